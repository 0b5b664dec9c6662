// A plugin's view of the database: its own tables only (`<plugin id in snake_case>_…`). Every query is
// checked as it is built, so a plugin's routes and migrations cannot read or write core's tables.
import {
  OperationNodeTransformer,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type ReferenceNode,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';
import type { Database } from '../db/schema.ts';

/** Rows of a plugin's tables as its code sees them: it knows their columns, core does not. */
export type PluginTables = Record<string, Record<string, unknown>>;

/** The statements a plugin's routes use on its tables (transactions stay with core: one connection on PGlite). */
export type PluginTablesDb = Pick<Kysely<PluginTables>, 'selectFrom' | 'insertInto' | 'updateTable' | 'deleteFrom'>;

/** What a plugin's migration gets: the schema builder and statements, on its own tables, in the migration's transaction. */
export type PluginMigrationDb = Kysely<PluginTables>;

/** `front-desk` → `front_desk_`: what every table of the plugin starts with. */
export const tablePrefix = (pluginId: string): string => `${pluginId.replaceAll('-', '_')}_`;

class OwnTablesOnly extends OperationNodeTransformer {
  constructor(
    private readonly pluginId: string,
    private readonly prefix: string,
  ) {
    super();
  }

  protected override transformTable(node: TableNode): TableNode {
    const name = node.table.identifier.name;
    if (node.table.schema || !name.startsWith(this.prefix)) {
      throw new Error(
        `plugin "${this.pluginId}" may use only its own tables (${this.prefix}…), not "${node.table.schema ? `${node.table.schema.name}.` : ''}${name}"`,
      );
    }
    return super.transformTable(node);
  }

  // `b.code` names an alias, not a table: the table behind the alias was checked where it was named.
  protected override transformReference(node: ReferenceNode): ReferenceNode {
    return node;
  }
}

function ownTablesPlugin(pluginId: string): KyselyPlugin {
  const transformer = new OwnTablesOnly(pluginId, tablePrefix(pluginId));
  return {
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      // Raw SQL cannot be checked, so it is not offered.
      if (node.kind === 'RawNode')
        throw new Error(`plugin "${pluginId}": raw SQL is not available to plugins; use the query builder`);
      return transformer.transformNode(node);
    },
    transformResult: async ({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => result,
  };
}

/** `db` fenced to the plugin's own tables (for migrations: the migration's transaction). */
export function ownTables(db: Kysely<Database>, pluginId: string): Kysely<PluginTables> {
  return (db as unknown as Kysely<PluginTables>).withPlugin(ownTablesPlugin(pluginId));
}
