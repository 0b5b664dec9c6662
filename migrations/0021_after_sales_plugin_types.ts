// The demo organisation (云尚电商运营中心) moves three of its own card types onto the after-sales plugin's
// (issue 15): the cards, the boards that show them and the saved views that filter by them are retyped,
// so existing cards keep their fields, states, history, escalations and board. The new roles folder
// (roles/*.yaml, which no longer defines the store.* types) is imported at the next start.
// Only an organisation whose latest version is the demo's is touched: another organisation's own
// `store.*` types are its own. If a version activated over the API is newer than the folder's import,
// that version still names the store.* types: export it (npm run roles -- export), rename them as here,
// and activate it again.
import { sql, type Kysely } from 'kysely';

const DEMO_ORG = 'yunshang-ops-center';
const RETYPED: [from: string, to: string][] = [
  ['store.after-sales-case', 'after-sales.case'],
  ['store.price-request', 'after-sales.price-request'],
  ['store.shipment', 'after-sales.shipment'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ org_id: string }>`SELECT org_id FROM org_versions ORDER BY id DESC LIMIT 1`.execute(db);
  if (rows[0]?.org_id !== DEMO_ORG) return;
  for (const [from, to] of RETYPED) await retype(db, from, to);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ org_id: string }>`SELECT org_id FROM org_versions ORDER BY id DESC LIMIT 1`.execute(db);
  if (rows[0]?.org_id !== DEMO_ORG) return;
  for (const [from, to] of RETYPED) await retype(db, to, from);
}

async function retype(db: Kysely<unknown>, from: string, to: string): Promise<void> {
  await sql`UPDATE tasks SET type = ${to} WHERE type = ${from}`.execute(db);
  await sql`UPDATE boards SET task_types = array_replace(task_types, ${from}, ${to}) WHERE ${from} = ANY(task_types)`.execute(
    db,
  );
  await sql`UPDATE saved_views SET filters = jsonb_set(filters, '{type}', to_jsonb(${to}::text)) WHERE filters->>'type' = ${from}`.execute(
    db,
  );
}
