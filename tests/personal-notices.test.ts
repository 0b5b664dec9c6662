// A person is told, on every database, when a card is assigned to them and when their approval request
// is decided: an inbox notification and a live push on their own channel, as watchers are told; nobody
// is told of their own doing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachBoardSockets } from '../core/events/board-socket.ts';
import { startHttpServer } from '../core/http/server.ts';
import { testDatabases } from './helpers/databases.ts';
import { connectInbox } from './helpers/live-client.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
task_types:
  - id: shop.refund
    name: Refund
    fields: [{id: amount, name: Amount, type: money, currency: CNY}]
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: refunded, name: Refunded, category: done}
        - {id: refused, name: Refused, category: done}
      transitions:
        - {from: open, to: refunded, approval: {by: lead, reject_to: refused}}
roles:
  - {id: lead, name: Lead, can: [boards.view, tasks.create, tasks.move, tasks.assign, tasks.approve]}
  - {id: agent, name: Agent, reports_to: lead, can: [boards.view, tasks.create, tasks.move, tasks.assign]}
members:
  - {email: lead@shop.test, name: 王主管, roles: [lead]}
  - {email: li@shop.test, name: 李娜, roles: [agent]}
  - {email: zhao@shop.test, name: 赵磊, roles: [agent]}
`;

interface Inbox {
  unread: number;
  items: { taskId: number; kind: string; title: string }[];
}

describe.each(testDatabases)('personal notices on $kind', (database) => {
  let t: TestApp;
  let lead: string;
  let li: string;
  let zhao: string;
  let liId: string;
  let zhaoId: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }]);
    [lead, li, zhao] = await Promise.all([
      t.signIn('lead@shop.test'),
      t.signIn('li@shop.test'),
      t.signIn('zhao@shop.test'),
    ]);
    liId = (await (await t.call('GET', '/api/me', { cookie: li })).json()).id;
    zhaoId = (await (await t.call('GET', '/api/me', { cookie: zhao })).json()).id;
  });
  afterAll(() => t.dispose());

  const call = async (cookie: string, method: string, path: string, body?: unknown) => {
    const response = await t.call(method, path, { cookie, ...(body === undefined ? {} : { body }) });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.json();
  };
  const inbox = async (cookie: string) => (await call(cookie, 'GET', '/api/notifications')) as Inbox;
  const about = async (cookie: string, taskId: number) =>
    (await inbox(cookie)).items.filter((item) => item.taskId === taskId).map((item) => item.kind);

  it('tells a person when a card is assigned to them, on create and on reassignment, but not of their own doing', async () => {
    const card = await call(lead, 'POST', '/api/tasks', {
      type: 'core.task',
      title: '核对退货单',
      assignTo: { personId: liId },
    });
    expect(await about(li, card.id)).toEqual(['assigned']);
    expect((await inbox(li)).items[0]).toMatchObject({ taskId: card.id, kind: 'assigned', title: '核对退货单' });

    const moved = await call(lead, 'PUT', `/api/tasks/${card.id}/assignment`, {
      expectedVersion: card.version,
      personId: zhaoId,
    });
    expect(await about(zhao, card.id)).toEqual(['assigned']);
    expect(await about(li, card.id)).toEqual(['assigned']);

    // Taking a card oneself, or making one for oneself, is not news.
    await call(li, 'PUT', `/api/tasks/${card.id}/assignment`, { expectedVersion: moved.version, personId: liId });
    const own = await call(li, 'POST', '/api/tasks', {
      type: 'core.task',
      title: '自己的卡片',
      assignTo: { personId: liId },
    });
    expect(await about(li, card.id)).toEqual(['assigned']);
    expect(await about(li, own.id)).toEqual([]);
  });

  it('tells the requester when their approval request is approved or rejected', async () => {
    const request = async (title: string) => {
      const card = await call(li, 'POST', '/api/tasks', { type: 'shop.refund', title, fields: { amount: 300 } });
      return (await call(li, 'PATCH', `/api/tasks/${card.id}/transition`, {
        to: 'refunded',
        expectedVersion: card.version,
      })) as { approval: { id: number }; task: { id: number } };
    };
    const yes = await request('退款 ¥300');
    await call(lead, 'POST', `/api/approvals/${yes.approval.id}/decision`, { approve: true });
    expect(await about(li, yes.task.id)).toEqual(['approval.approved']);

    const no = await request('退款 ¥900');
    await call(lead, 'POST', `/api/approvals/${no.approval.id}/decision`, { approve: false, comment: '超出政策' });
    expect(await about(li, no.task.id)).toEqual(['approval.rejected']);
    expect((await inbox(lead)).items.some((item) => item.taskId === yes.task.id || item.taskId === no.task.id)).toBe(
      false,
    );
  });

  it('pushes the notice live to that person only', async () => {
    const server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    const sockets = attachBoardSockets(server.server, t.services, memoryLogger().log);
    try {
      const [toZhao, toLi] = await Promise.all([connectInbox(server.url, zhao), connectInbox(server.url, li)]);
      await Promise.all([toZhao.waitFor((m) => m.type === 'hello'), toLi.waitFor((m) => m.type === 'hello')]);
      const card = await call(lead, 'POST', '/api/tasks', {
        type: 'core.task',
        title: '补发赠品',
        assignTo: { personId: zhaoId },
      });
      const pushed = await toZhao.waitFor((m) => m.type === 'notification' && m.event?.taskId === card.id);
      expect(pushed.task).toMatchObject({ id: card.id, title: '补发赠品' });
      // Li's channel carries on, without Zhao's notice.
      const other = await call(lead, 'POST', '/api/tasks', {
        type: 'core.task',
        title: '给李娜',
        assignTo: { personId: liId },
      });
      await toLi.waitFor((m) => m.type === 'notification' && m.event?.taskId === other.id);
      expect(toLi.messages.some((m) => m.type === 'notification' && m.event?.taskId === card.id)).toBe(false);
      await Promise.all([toZhao.close(), toLi.close()]);
    } finally {
      sockets.close();
      await server.stop(1000);
    }
  });
});
