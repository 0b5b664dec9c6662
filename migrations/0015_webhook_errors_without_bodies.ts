// A failed webhook delivery used to keep the first 200 characters of the receiver's answer, which let
// anyone who could add a webhook read what the server could reach. Only the status (or a robot's
// numeric error code) is kept now; this removes the text already stored.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE webhook_outbox SET last_error = substring(last_error from '^HTTP [0-9]+')
    WHERE last_error ~ '^HTTP [0-9]+: '`.execute(db);
  await sql`UPDATE webhook_outbox
    SET last_error = substring(last_error from '^[a-z]+') || ' refused (error code '
      || coalesce(substring(last_error from '^[a-z]+ refused \\((-?[0-9]{1,15})\\)'), '?') || ')'
    WHERE last_error ~ '^(dingtalk|wecom|feishu) refused \\('`.execute(db);
}

/** The text removed cannot be brought back. */
export async function down(): Promise<void> {}
