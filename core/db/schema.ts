// The database's tables as Kysely types: the one source that queries, routes and the UI types flow from.
import type { ColumnType, Generated } from 'kysely';

export interface InstanceTable {
  /** Always 1: the table holds exactly one row describing this installation. */
  id: ColumnType<1, 1 | undefined, never>;
  instance_id: Generated<string>;
  created_at: ColumnType<Date, never, never>;
}

export interface Database {
  instance: InstanceTable;
}
