// Moving the demo organisation's own card types onto a plugin's (0021 after-sales, 0022 listing): the
// cards, the boards that show them and the saved views that filter by them take the new type id; fields,
// states, history and escalations stay with the cards.
import { sql, type Kysely } from 'kysely';

const DEMO_ORG = 'yunshang-ops-center';

/** Whether the latest organisation version is the demo's: another organisation's `store.*` types are its own. */
export async function isDemo(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ org_id: string }>`SELECT org_id FROM org_versions ORDER BY id DESC LIMIT 1`.execute(db);
  return rows[0]?.org_id === DEMO_ORG;
}

export async function retype(db: Kysely<unknown>, from: string, to: string): Promise<void> {
  await sql`UPDATE tasks SET type = ${to} WHERE type = ${from}`.execute(db);
  await sql`UPDATE boards SET task_types = array_replace(task_types, ${from}, ${to}) WHERE ${from} = ANY(task_types)`.execute(
    db,
  );
  await sql`UPDATE saved_views SET filters = jsonb_set(filters, '{type}', to_jsonb(${to}::text)) WHERE filters->>'type' = ${from}`.execute(
    db,
  );
}
