// Kysely dialect for PGlite. Kysely ships one from 0.29 on, but 0.29 declares Node ≥ 22 and this
// product runs on Node 20, so we stay on 0.28 and keep this small copy of the same idea: PostgreSQL's
// compiler, adapter and introspector over PGlite's one connection, which one caller holds at a time.
//
// The one-connection rule lives here, not in the code above the database: a query made on the shared
// handle while this async context holds the connection (inside a transaction's or a connection()'s
// callback — a hook, a plugin, a helper that forgot to take `tx`) would wait for itself forever. Instead
// it runs on the held connection, inside that transaction; a transaction begun there is a savepoint.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  Kysely,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Database } from './schema.ts';

/** A connection an async context holds, open until its callback ends. */
interface Hold {
  pglite: PGlite;
  open: boolean;
}

const holds = new AsyncLocalStorage<readonly Hold[]>();

const holdsHere = (pglite: PGlite) => holds.getStore()?.some((hold) => hold.open && hold.pglite === pglite) ?? false;

/** Whether this async context holds an embedded database's connection (inside a transaction or connection()). */
export function holdsConnection(): boolean {
  return holds.getStore()?.some((hold) => hold.open) ?? false;
}

/** Runs `fn` as work of no one's transaction (a batch of other requests' statements must never join one). */
export function outsideHeldConnections<T>(fn: () => T): T {
  return holds.exit(fn);
}

async function holding<T>(pglite: PGlite, fn: () => Promise<T>): Promise<T> {
  const hold: Hold = { pglite, open: true };
  return holds.run([...(holds.getStore() ?? []), hold], async () => {
    try {
      return await fn();
    } finally {
      // Work started inside and still running afterwards no longer holds it.
      hold.open = false;
    }
  });
}

/** `builder`, whose execute() runs its callback as the connection's holder (and so do builders it makes). */
function heldWhileExecuting<B extends object>(builder: B, pglite: PGlite): B {
  return new Proxy(builder, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'execute') {
        return (callback: (inner: unknown) => Promise<unknown>) =>
          (value as (cb: typeof callback) => Promise<unknown>).call(target, (inner) =>
            holding(pglite, () => callback(inner)),
          );
      }
      return (...args: unknown[]) => {
        const made = (value as (...a: unknown[]) => unknown).apply(target, args);
        return made !== null && typeof made === 'object' && 'execute' in made ? heldWhileExecuting(made, pglite) : made;
      };
    },
  });
}

/** Kysely on PGlite, keeping the one-connection rule (see the top of this file). */
export function createPgliteKysely(pglite: PGlite): Kysely<Database> {
  return keepingTheRule(new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) }), pglite);
}

/** `kysely`, and every handle made from it (a plugin's, with its own Kysely plugins), with held callbacks. */
function keepingTheRule<K extends object>(kysely: K, pglite: PGlite): K {
  return new Proxy(kysely, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'transaction' || property === 'connection')
        return () => heldWhileExecuting(method.call(target) as object, pglite);
      if (
        property === 'withPlugin' ||
        property === 'withoutPlugins' ||
        property === 'withSchema' ||
        property === 'withTables'
      ) {
        return (...args: unknown[]) => keepingTheRule(method.apply(target, args) as K, pglite);
      }
      return method.bind(target);
    },
  });
}

/** One holder at a time: PGlite is a single backend, and a transaction must not interleave with others. */
class ConnectionMutex {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.#held) await this.#held;
    this.#held = new Promise((resolve) => (this.#release = resolve));
  }

  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(compiled.sql, compiled.parameters as unknown[], { rowMode: 'object' });
    return {
      rows: result.rows ?? [],
      ...(result.affectedRows != null ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: Kysely's driver interface needs streamQuery; PGlite cannot stream, so the first next() throws
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by PGlite.');
  }
}

/** The held connection, lent to a query made by its holder on the shared handle; its transactions are savepoints. */
class LentConnection implements DatabaseConnection {
  static #made = 0;
  readonly savepoint = `lent_${++LentConnection.#made}`;

  constructor(private readonly connection: PGliteConnection) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.connection.executeQuery<R>(compiled);
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    return this.connection.streamQuery<R>();
  }
}

class PGliteDriver implements Driver {
  readonly #mutex = new ConnectionMutex();
  readonly #connection: PGliteConnection;

  constructor(private readonly pglite: PGlite) {
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (holdsHere(this.pglite)) return new LentConnection(this.#connection);
    await this.#mutex.lock();
    return this.#connection;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof LentConnection)) this.#mutex.unlock();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (connection instanceof LentConnection)
      return void (await connection.executeQuery(CompiledQuery.raw(`savepoint ${connection.savepoint}`)));
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    const access = settings.accessMode ? ` ${settings.accessMode}` : '';
    await connection.executeQuery(CompiledQuery.raw(`start transaction${isolation}${access}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(connection instanceof LentConnection ? `release savepoint ${connection.savepoint}` : 'commit'),
    );
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(
        connection instanceof LentConnection ? `rollback to savepoint ${connection.savepoint}` : 'rollback',
      ),
    );
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

export class PGliteDialect implements Dialect {
  constructor(private readonly config: { pglite: PGlite }) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.config.pglite);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
