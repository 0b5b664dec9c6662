// WIP limits under concurrency, on every database: a blocking column limit and personal limits (of a
// role per task type, and of a board) hold when many people move and assign at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: desk, name: Desk}
roles:
  - {id: lead, name: Lead, can: [boards.view, boards.manage, tasks.create, tasks.assign, tasks.move]}
  - id: agent
    name: Agent
    reports_to: lead
    can: [boards.view, tasks.move]
    personal_wip: {desk.ticket: 2}
members:
  - {email: lead@desk.test, name: Lead, roles: [lead]}
  - {email: a1@desk.test, name: A1, roles: [agent]}
  - {email: a2@desk.test, name: A2, roles: [agent]}
task_types:
  - id: desk.ticket
    name: Ticket
    fields: []
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: working, name: Working, category: active}
        - {id: closed, name: Closed, category: done}
      transitions:
        - {from: open, to: working}
        - {from: working, to: closed}
  - id: desk.callback
    name: Callback
    fields: []
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: done, name: Done, category: done}
      transitions:
        - {from: open, to: done}
`;

interface Card {
  id: number;
  version: number;
  assigneeId: string | null;
  roleId: string | null;
}

describe.each(testDatabases)('WIP limits under concurrency on $kind', (database) => {
  let t: TestApp;
  let lead: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'desk.yaml', text: org }]);
    lead = await t.signIn('lead@desk.test');
  });
  afterAll(() => t.dispose());

  const create = async (type: string, assignTo?: { roleId: string }): Promise<Card> => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: lead,
      body: { type, title: '工单', ...(assignTo ? { assignTo } : {}) },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };

  it('lets no more cards into a blocking column than its limit, however many move at once', async () => {
    const board = {
      id: 'tickets-flow',
      name: 'Tickets',
      taskTypes: ['desk.ticket'],
      columns: [
        { id: 'open', name: 'Open', states: ['open'] },
        { id: 'working', name: 'Working', states: ['working'], wipLimit: 3 },
        { id: 'closed', name: 'Closed', states: ['closed'] },
      ],
    };
    expect((await t.call('POST', '/api/boards', { cookie: lead, body: board })).status).toBe(201);
    const cards = await Promise.all(Array.from({ length: 10 }, () => create('desk.ticket')));

    const moves = await Promise.all(
      cards.map((card) =>
        t.call('PATCH', `/api/tasks/${card.id}/transition`, {
          cookie: lead,
          body: { to: 'working', expectedVersion: card.version },
        }),
      ),
    );
    const statuses = moves.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, ...Array<number>(7).fill(422)]);
    const refused = await moves.find((response) => response.status === 422)!.json();
    expect(refused.error).toMatchObject({
      message: 'Column "tickets-flow/working" already holds 3 of at most 3 cards.',
      details: { reason: 'wip_limit', count: 3 },
    });

    const { cards: shown } = await (await t.call('GET', '/api/boards/tickets-flow', { cookie: lead })).json();
    expect(shown.filter((card: { status: string }) => card.status === 'working')).toHaveLength(3);
  });

  it('gives no holder of a role more than their limit for the type when many cards are assigned at once', async () => {
    const cards = await Promise.all(Array.from({ length: 7 }, () => create('desk.ticket', { roleId: 'agent' })));
    const perPerson = new Map<string | null, number>();
    for (const card of cards) perPerson.set(card.assigneeId, (perPerson.get(card.assigneeId) ?? 0) + 1);
    // Two agents, two open tickets each at most; the rest wait with the role.
    expect([...perPerson.entries()].filter(([person]) => person !== null).map(([, n]) => n)).toEqual([2, 2]);
    expect(perPerson.get(null)).toBe(3);
    expect(cards.every((card) => card.roleId === 'agent')).toBe(true);
  });

  it("respects a board's personal WIP limit when assigning to a role", async () => {
    const board = {
      id: 'callbacks',
      name: '回访',
      taskTypes: ['desk.callback'],
      personalWip: 1,
      columns: [
        { id: 'open', name: 'Open', states: ['open'] },
        { id: 'done', name: 'Done', states: ['done'] },
      ],
    };
    const made = await t.call('POST', '/api/boards', { cookie: lead, body: board });
    expect(await made.json()).toMatchObject({ id: 'callbacks', personalWip: 1 });

    const cards = await Promise.all(Array.from({ length: 3 }, () => create('desk.callback', { roleId: 'agent' })));
    const assigned = cards.map((card) => card.assigneeId).filter((person) => person !== null);
    expect(new Set(assigned).size).toBe(2);
    expect(cards.filter((card) => card.assigneeId === null)).toHaveLength(1);

    // Closing one frees its holder's place on the board.
    const first = cards.find((card) => card.assigneeId !== null)!;
    expect(
      (
        await t.call('PATCH', `/api/tasks/${first.id}/transition`, {
          cookie: lead,
          body: { to: 'done', expectedVersion: first.version },
        })
      ).status,
    ).toBe(200);
    expect((await create('desk.callback', { roleId: 'agent' })).assigneeId).toBe(first.assigneeId);
  });
});
