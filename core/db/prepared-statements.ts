// A pg client that names the statements it sends with parameters, so PostgreSQL parses and plans each
// one once per connection instead of on every call (measured here: the card move's write statement ran
// 1.57× as often per second; see README "Benchmarks"). Mature drivers do the same (asyncpg, pgx, JDBC).
import pg from 'pg';

/** Distinct statements named per process; beyond that (ad-hoc SQL), statements run unnamed as before. */
const MAX_NAMED = 2_000;
/** Very long texts (long IN lists) are rarely repeated: not worth a slot. */
const MAX_TEXT_LENGTH = 8_000;

const names = new Map<string, string>();
const unnameable = new Set<string>();

function nameFor(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined || unnameable.has(text)) return known;
  if (names.size >= MAX_NAMED || text.length > MAX_TEXT_LENGTH) return undefined;
  const name = `dutyboard_${names.size + 1}`;
  names.set(text, name);
  return name;
}

/** SQLSTATE 0A000 "cached plan must not change result type": a table changed under a prepared statement. */
const isStalePlan = (error: unknown) => (error as { code?: string }).code === '0A000';

export class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() overloads cannot be restated one by one here; this forwards every form unchanged
  override query(...args: any[]): any {
    const [text, values] = args;
    const name =
      args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0
        ? nameFor(text)
        : undefined;
    if (name === undefined) return (super.query as (...a: unknown[]) => unknown)(...args);
    return (super.query({ name, text, values }) as Promise<pg.QueryResult>).catch((error: unknown) => {
      if (!isStalePlan(error)) throw error;
      // After a schema change: this text runs unnamed from now on.
      names.delete(text);
      unnameable.add(text);
      return super.query(text, values);
    });
  }
}
