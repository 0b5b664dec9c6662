// For webhook tests: a receiver on loopback that answers every request the same way and keeps what it
// was sent, escalation events with their own keys, and a time at which queued deliveries are due.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { escalationEvent, type WebhookEvent } from '../../core/notifications/webhook-event.ts';

let serial = 0;
/** A level-1 escalation of a new card each time (a new dedup key). */
export const testEscalation = (): WebhookEvent =>
  escalationEvent({
    task: { id: ++serial, title: `卡片 ${serial}`, type: 'core.task', status: 'doing', priority: 'high' },
    rule: 'agent/overdue',
    ruleTitle: '逾期',
    cycle: 1,
    ledgerLevel: 0,
    targetRole: 'lead',
    cardUrl: `https://board.example.cn/tasks/${serial}`,
    firedAt: new Date(),
  });

/** Ahead of the database clock, so rows queued with DEFAULT now() are due. */
export const dueTime = () => new Date(Date.now() + 60_000);

export interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export async function webhookReceiver(answer: { status: number; body: string }) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req
      .setEncoding('utf8')
      .on('data', (chunk: string) => (body += chunk))
      .on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(answer.status, { Connection: 'close' }).end(answer.body);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
