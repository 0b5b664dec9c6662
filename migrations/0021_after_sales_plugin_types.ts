// The demo organisation (云尚电商运营中心) moves three of its own card types onto the after-sales plugin's
// (issue 15): the cards, the boards that show them and the saved views that filter by them are retyped,
// so existing cards keep their fields, states, history, escalations and board. The new roles folder
// (roles/*.yaml, which no longer defines the store.* types) is imported at the next start.
// Only an organisation whose latest version is the demo's is touched: another organisation's own
// `store.*` types are its own. If a version activated over the API is newer than the folder's import,
// that version still names the store.* types: export it (npm run roles -- export), rename them as here,
// and activate it again.
import type { Kysely } from 'kysely';
import { isDemo, retype } from './retype-task-type.ts';

const RETYPED: [from: string, to: string][] = [
  ['store.after-sales-case', 'after-sales.case'],
  ['store.price-request', 'after-sales.price-request'],
  ['store.shipment', 'after-sales.shipment'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(await isDemo(db))) return;
  for (const [from, to] of RETYPED) await retype(db, from, to);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(await isDemo(db))) return;
  for (const [from, to] of RETYPED) await retype(db, to, from);
}
