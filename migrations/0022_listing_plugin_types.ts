// The demo organisation (云尚电商运营中心) moves its stock alerts onto the listing plugin's delist card
// (issue 15): store.stock-alert cards, the boards showing them and the saved views filtering by them become
// listing.delist. The fields keep their ids (sku, stock, listed; the delist card adds an optional product
// card) and the states theirs (open, delisted, restocked), so nothing is mapped beyond the type. The
// roles folder, which no longer defines store.stock-alert, is imported at the next start. Only the demo
// organisation is touched; for a version activated over the API since the folder's import, see 0021.
import type { Kysely } from 'kysely';
import { isDemo, retype } from './retype-task-type.ts';

const FROM = 'store.stock-alert';
const TO = 'listing.delist';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (await isDemo(db)) await retype(db, FROM, TO);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (await isDemo(db)) await retype(db, TO, FROM);
}
