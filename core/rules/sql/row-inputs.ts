// Per-row inputs that several rules of one scan read (the derived hours, a top-level field), computed
// once per row by the scan's inner select instead of at every reference: each `fields -> key` copies
// the jsonb, and the hours are a dozen float operations.
import { sql, type RawBuilder } from 'kysely';

/** A SQL fragment (sql-parts.ts's `S`, which imports this file). */
type S = RawBuilder<unknown>;

export class RowInputs {
  readonly #columns = new Map<string, { name: string; expr: S }>();

  /** The column standing for `expr`, one per key (the key names what the expression computes). */
  column(key: string, expr: () => S): S {
    let column = this.#columns.get(key);
    if (!column) {
      column = { name: `_in${this.#columns.size}`, expr: expr() };
      this.#columns.set(key, column);
    }
    return sql.raw(`tasks.${column.name}`);
  }

  /** Undoes the columns added from here on (for a rule that turns out not to compile). */
  checkpoint(): () => void {
    const keep = new Set(this.#columns.keys());
    return () => {
      for (const key of this.#columns.keys()) if (!keep.has(key)) this.#columns.delete(key);
    };
  }

  /** `tasks` filtered by `where`, with the inputs as extra columns: `SELECT … FROM ${inputs.from(where)}`. */
  from(where: S = sql`true`): S {
    const columns = [
      sql`tasks.*`,
      ...[...this.#columns.values()].map(({ name, expr }) => sql`${expr} AS ${sql.raw(name)}`),
    ];
    // OFFSET 0 keeps PostgreSQL from flattening the subquery, which would copy each input into every reference.
    return sql`(SELECT ${sql.join(columns)} FROM tasks WHERE ${where} OFFSET 0) AS tasks`;
  }
}
