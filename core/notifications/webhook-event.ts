// Core's one notification message: an escalation level firing, as it is queued in the outbox and handed
// to every channel (core/notifications/channel.ts) to be put in that service's words.
import type { Priority } from '../db/schema.ts';

/** One escalation level firing, as it is queued and sent. */
export interface WebhookEvent {
  /** Same firing, same key, on every attempt and every process: receivers drop repeats by it. */
  dedupKey: string;
  /** `<role>/<escalation id>`, as in the ledger. */
  rule: string;
  ruleTitle: string;
  /** 1 for the first level (the ledger counts from 0). */
  level: number;
  targetRole: string | null;
  task: { id: number; title: string; type: string; status: string; priority: Priority };
  cardUrl: string;
  /** ISO 8601. */
  firedAt: string;
  /** The organisation's time zone, for the time shown in robot messages (UTC when absent). */
  timeZone?: string;
}

/** The event of one ledger firing; the key mirrors the ledger's unique key (task, rule, cycle, level). */
export function escalationEvent(input: {
  task: WebhookEvent['task'];
  rule: string;
  ruleTitle: string;
  cycle: number;
  ledgerLevel: number;
  targetRole: string | null;
  cardUrl: string;
  firedAt: Date;
  timeZone?: string;
}): WebhookEvent {
  return {
    dedupKey: `escalation:${input.task.id}:${input.rule}:${input.cycle}:${input.ledgerLevel}`,
    rule: input.rule,
    ruleTitle: input.ruleTitle,
    level: input.ledgerLevel + 1,
    targetRole: input.targetRole,
    task: {
      id: input.task.id,
      title: input.task.title,
      type: input.task.type,
      status: input.task.status,
      priority: input.task.priority,
    },
    cardUrl: input.cardUrl,
    firedAt: input.firedAt.toISOString(),
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
  };
}

/** The shape of its jsonb column(s), for core/db/schema.ts. */
declare module '../db/schema.ts' {
  interface JsonShapes {
    webhookEvent: WebhookEvent;
  }
}
