// Outgoing webhooks: the endpoints an organisation configures, and the outbox of deliveries to them
// (unique per webhook and dedup key, so one escalation firing is queued once however often it is seen).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('format', 'text', (col) =>
      col.notNull().check(sql`format IN ('generic', 'dingtalk', 'wecom', 'feishu')`),
    )
    // Kept readable, not hashed: signing each request needs the secret itself.
    .addColumn('secret', 'text')
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('webhook_outbox')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('webhook_id', 'bigint', (col) => col.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('dedup_key', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('state', 'text', (col) =>
      col.notNull().defaultTo('pending').check(sql`state IN ('pending', 'delivered', 'dead')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('webhook_outbox_once', ['webhook_id', 'dedup_key'])
    .execute();
  // The dispatcher only ever looks for pending rows that are due; delivered and dead ones pile up.
  await sql`CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at) WHERE state = 'pending'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_outbox', 'webhooks']) await db.schema.dropTable(table).execute();
}
