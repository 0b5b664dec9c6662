// Kysely builds an operation tree and compiles it to SQL on every call: measured here, a quarter of a
// millisecond of CPU per card move under load, a third of the move's CPU in Node. For the statements
// every card write runs, `compiledOnce` builds each shape of a query once, with a named slot wherever a
// value goes, and from then on only binds the values. The builder must decide the query's shape from
// `shape` alone, and use each value only as a value (a slot stands in for it while building).
import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.ts';

/** Builds and compiles PostgreSQL's SQL (PGlite's too) without a connection. */
const builder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

class Slot {
  constructor(readonly name: string) {}
}

export function compiledOnce<Values extends Record<string, unknown>, Row>(
  build: (db: Kysely<Database>, values: Values, shape: string) => Compilable<Row>,
) {
  const compiled = new Map<string, { sql: string; parameters: readonly unknown[] }>();
  return async function run(
    executor: Kysely<Database> | Transaction<Database>,
    shape: string,
    values: Values,
  ): Promise<Row[]> {
    let query = compiled.get(shape);
    if (!query) {
      const slots = Object.fromEntries(Object.keys(values).map((name) => [name, new Slot(name)])) as Values;
      query = build(builder, slots, shape).compile();
      compiled.set(shape, query);
    }
    const parameters = query.parameters.map((parameter) =>
      parameter instanceof Slot ? values[parameter.name] : parameter,
    );
    return (await executor.executeQuery<Row>(CompiledQuery.raw(query.sql, parameters))).rows;
  };
}
