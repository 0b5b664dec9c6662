// A plugin's beforeTransition hook also judges the move an approved request carries out, on every
// database: a veto there leaves the request approved (the approvers' answer stands) and the card where
// it was, with the plugin's reason in the decision's answer and on the card's activity; without a veto
// the move happens as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginSource } from '../core/plugins/loader.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
task_types:
  - id: shop.refund
    name: Refund
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: refunded, name: Refunded, category: done}
      transitions:
        - {from: open, to: refunded, approval: {by: manager}}
roles:
  - {id: manager, name: Manager, can: [boards.view, tasks.move, tasks.approve]}
  - {id: agent, name: Agent, reports_to: manager, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
members:
  - {email: manager@shop.test, name: Manager, roles: [manager]}
  - {email: agent@shop.test, name: Agent, roles: [agent]}
`;

const asked: { from: string; to: string; actor: string }[] = [];
/** Accounts (here: card titles) the payment system froze; one may be frozen while a request waits. */
const frozen = new Set<string>();
// Refuses refunds to frozen accounts: the payment system would bounce them.
const payments: PluginSource = {
  entry: 'test:payments',
  load: async () => ({
    default: {
      id: 'payments',
      name: { 'zh-CN': '支付', en: 'Payments' },
      version: '1.0.0',
      core: '^0.1',
      hooks: {
        beforeTransition: ({
          task,
          from,
          to,
          actor,
        }: {
          task: { type: string; title: string };
          from: string;
          to: string;
          actor: { email: string };
        }) => {
          if (task.type !== 'shop.refund') return undefined;
          asked.push({ from, to, actor: actor.email });
          return frozen.has(task.title) ? { veto: 'the account is frozen' } : undefined;
        },
      },
    },
  }),
};

describe.each(testDatabases)('a plugin veto on an approved move on $kind', (database) => {
  let t: TestApp;
  let agent: string;
  let manager: string;

  beforeAll(async () => {
    frozen.clear();
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }], { plugins: [payments] });
    [agent, manager] = await Promise.all([t.signIn('agent@shop.test'), t.signIn('manager@shop.test')]);
  });
  afterAll(() => t.dispose());

  /** A refund whose move to `refunded` waits for the manager (the plugin let the request through): returns the request's id. */
  const requested = async (title: string) => {
    const card = await (
      await t.call('POST', '/api/tasks', { cookie: agent, body: { type: 'shop.refund', title } })
    ).json();
    const move = await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: agent,
      body: { to: 'refunded', expectedVersion: card.version },
    });
    expect(move.status, await move.clone().text()).toBe(202);
    return { taskId: card.id as number, approvalId: (await move.json()).approval.id as number };
  };
  const detail = async (taskId: number) =>
    (await (await t.call('GET', `/api/tasks/${taskId}/detail`, { cookie: manager })).json()) as {
      task: { status: string };
      activity: { items: { action: string; note: string | null }[] };
      approvals: { state: string }[];
    };

  it("keeps the request approved and the card unmoved, with the plugin's reason in the answer and on the card", async () => {
    const { taskId, approvalId } = await requested('Refund to a frozen account');
    frozen.add('Refund to a frozen account');
    asked.length = 0;
    const decided = await t.call('POST', `/api/approvals/${approvalId}/decision`, {
      cookie: manager,
      body: { approve: true },
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    const body = await decided.json();
    expect(body).toMatchObject({
      approval: { state: 'approved' },
      task: { status: 'open' },
      vetoed: { plugin: 'payments', reason: 'the account is frozen' },
    });
    // The hook was asked about the move the approval carries out, by the person deciding.
    expect(asked).toEqual([{ from: 'open', to: 'refunded', actor: 'manager@shop.test' }]);

    const card = await detail(taskId);
    expect(card.task.status).toBe('open');
    expect(card.approvals.map((approval) => approval.state)).toEqual(['approved']);
    expect(card.activity.items.find((item) => item.action === 'move_vetoed')).toMatchObject({
      note: 'Plugin "payments" refused the move: the account is frozen',
    });
    expect(card.activity.items.map((item) => item.action)).not.toContain('moved');
    // The request is decided: it cannot be decided again.
    const again = await t.call('POST', `/api/approvals/${approvalId}/decision`, {
      cookie: manager,
      body: { approve: true },
    });
    expect(again.status).toBe(409);
  });

  it('carries out the move when the plugin lets it through', async () => {
    const { taskId, approvalId } = await requested('Refund');
    const decided = await (
      await t.call('POST', `/api/approvals/${approvalId}/decision`, { cookie: manager, body: { approve: true } })
    ).json();
    expect(decided).toMatchObject({ approval: { state: 'approved' }, task: { status: 'refunded' } });
    expect(decided.vetoed).toBeUndefined();
    expect((await detail(taskId)).task.status).toBe('refunded');
  });

  it('does not ask the plugin about a rejection', async () => {
    const { approvalId } = await requested('Refund refused');
    frozen.add('Refund refused');
    asked.length = 0;
    const decided = await (
      await t.call('POST', `/api/approvals/${approvalId}/decision`, { cookie: manager, body: { approve: false } })
    ).json();
    expect(decided).toMatchObject({ approval: { state: 'rejected' }, task: { status: 'open' } });
    expect(asked).toEqual([]);
  });
});
