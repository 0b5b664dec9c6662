// The organisation's outgoing webhooks and their delivery outbox, as the webhook routes read and change them.
import type { Insertable, Kysely } from 'kysely';
import type { Database, WebhookDeliveryState, WebhooksTable } from '../db/schema.ts';

/** How many deliveries the outbox shows, newest first. */
const OUTBOX_SHOWN = 200;

export function createWebhooksRepository(db: Kysely<Database>) {
  return {
    list: () => db.selectFrom('webhooks').selectAll().orderBy('id').execute(),
    add: (webhook: Insertable<WebhooksTable>) =>
      db.insertInto('webhooks').values(webhook).returningAll().executeTakeFirstOrThrow(),
    /** Its queued and past deliveries go with it (ON DELETE CASCADE): there is nowhere left to send them. False when there was none. */
    async remove(id: number): Promise<boolean> {
      const deleted = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return deleted.numDeletedRows > 0n;
    },
    outbox(state?: WebhookDeliveryState) {
      let query = db.selectFrom('webhook_outbox').selectAll();
      if (state) query = query.where('state', '=', state);
      return query.orderBy('id', 'desc').limit(OUTBOX_SHOWN).execute();
    },
  };
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
