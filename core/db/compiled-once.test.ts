import { describe, expect, it } from 'vitest';
import { compiledOnce } from './compiled-once.ts';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** Stands in for a database: records what it is asked to run. */
function recorder() {
  const runs: { sql: string; parameters: readonly unknown[] }[] = [];
  const executor = {
    executeQuery: async (query: { sql: string; parameters: readonly unknown[] }) => {
      runs.push(query);
      return { rows: [] };
    },
  };
  return { runs, executor: executor as unknown as Kysely<Database> | Transaction<Database> };
}

describe('compiledOnce', () => {
  it('builds each shape once and binds each call its own values, constants staying in place', async () => {
    let builds = 0;
    const find = compiledOnce((db, values: { id: number; status: string | undefined }, shape) => {
      builds += 1;
      const query = db.selectFrom('tasks').select('id').where('id', '=', values.id).where('type', '=', 'core.task');
      return shape === 'with status' ? query.where('status', '=', values.status!) : query;
    });
    const { runs, executor } = recorder();
    await find(executor, 'with status', { id: 1, status: 'todo' });
    await find(executor, 'with status', { id: 2, status: 'done' });
    await find(executor, 'any status', { id: 3, status: undefined });
    expect(builds).toBe(2);
    expect(runs.map((run) => run.parameters)).toEqual([
      [1, 'core.task', 'todo'],
      [2, 'core.task', 'done'],
      [3, 'core.task'],
    ]);
    expect(runs[0]!.sql).toBe(runs[1]!.sql);
    expect(runs[2]!.sql).toBe('select "id" from "tasks" where "id" = $1 and "type" = $2');
  });
});
