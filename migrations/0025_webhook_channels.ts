// Webhooks name a notification channel instead of one of four formats fixed in core: `generic` stays
// core's, and the DingTalk, WeCom and Feishu robots are now the chat-webhooks plugin's channels
// (`chat-webhooks.dingtalk`, `.wecom`, `.feishu`), so a stored webhook keeps sending the same messages
// while that plugin is loaded (it is by default). A channel may take settings, kept beside it.
import { sql, type Kysely } from 'kysely';

const CHAT = ['dingtalk', 'wecom', 'feishu'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhooks ADD COLUMN channel text`.execute(db);
  await sql`UPDATE webhooks SET channel = CASE WHEN format IN (${sql.join(CHAT)})
    THEN 'chat-webhooks.' || format ELSE format END`.execute(db);
  await sql`ALTER TABLE webhooks ALTER COLUMN channel SET NOT NULL`.execute(db);
  await sql`ALTER TABLE webhooks ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db);
  // Its CHECK (one of the four formats) goes with it.
  await sql`ALTER TABLE webhooks DROP COLUMN format`.execute(db);
}

/** Refused while a webhook names a channel the four formats cannot say, or has settings they cannot keep. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: number }>`SELECT id FROM webhooks
    WHERE channel NOT IN ('generic', ${sql.join(CHAT.map((name) => `chat-webhooks.${name}`))})
      OR settings <> '{}'::jsonb`.execute(db);
  if (rows.length)
    throw new Error(`webhooks ${rows.map((row) => row.id).join(', ')} name channels or settings older versions lack`);
  await sql`ALTER TABLE webhooks ADD COLUMN format text`.execute(db);
  await sql`UPDATE webhooks SET format = replace(channel, 'chat-webhooks.', '')`.execute(db);
  await sql`ALTER TABLE webhooks ALTER COLUMN format SET NOT NULL`.execute(db);
  await sql`ALTER TABLE webhooks ADD CONSTRAINT webhooks_format_check
    CHECK (format IN ('generic', 'dingtalk', 'wecom', 'feishu'))`.execute(db);
  await sql`ALTER TABLE webhooks DROP COLUMN channel, DROP COLUMN settings`.execute(db);
}
