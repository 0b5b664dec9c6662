// Cards through the HTTP API on every database: fields, transitions and every refusal reason,
// versions and conflicts, assignment, ordering, archive, activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const AGENT = 'cao.ying@demo.dutyboard.local';
const CS_MANAGER = 'xu.ting@demo.dutyboard.local';
const PRE_SALES = 'han.xue@demo.dutyboard.local';
const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';

interface Card {
  id: number;
  version: number;
  status: string;
  position: string;
  assigneeId: string | null;
  fields: Record<string, unknown>;
}

describe.each(testDatabases)('cards on $kind', (database) => {
  let t: TestApp;
  let agent: string;
  let manager: string;
  let director: string;

  beforeAll(async () => {
    t = await createTestApp(database);
    [agent, manager, director] = await Promise.all([t.signIn(AGENT), t.signIn(CS_MANAGER), t.signIn(DIRECTOR)]);
  });
  afterAll(() => t.dispose());

  const create = async (cookie: string, body: Record<string, unknown>): Promise<Card> => {
    const response = await t.call('POST', '/api/tasks', { cookie, body });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };
  const caseCard = (fields: Record<string, unknown> = {}) =>
    create(agent, {
      type: 'after-sales.case',
      title: '买家反馈少发一件',
      fields: { case_type: 'missing_item', ...fields },
    });
  const move = (cookie: string, card: Card, to: string, extra: Record<string, unknown> = {}) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie,
      body: { to, expectedVersion: card.version, ...extra },
    });

  it("creates a card in its type's initial state, shows it on the board and logs it", async () => {
    const card = await caseCard({ claim_amount: 35.5 });
    expect(card).toMatchObject({
      status: 'open',
      version: 1,
      fields: { case_type: 'missing_item', claim_amount: 35.5 },
    });
    const board = await (await t.call('GET', '/api/boards/after-sales-case', { cookie: agent })).json();
    expect(board.board.columns.map((c: { id: string }) => c.id)).toEqual([
      'open',
      'in-progress',
      'waiting-customer',
      'waiting-courier',
      'awaiting-approval',
      'approved',
      'resolved',
      'closed',
    ]);
    expect(board.cards.map((c: Card) => c.id)).toContain(card.id);
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json();
    expect(activity).toEqual([
      expect.objectContaining({
        action: 'created',
        actorName: '曹颖',
        changes: { status: [null, 'open'], title: [null, '买家反馈少发一件'] },
      }),
    ]);
  });

  it('shows on the board each card as GET /api/tasks/:id shows it, less description, checklist and bookkeeping, with escalation level and checklist progress, in board order', async () => {
    const card = await create(agent, {
      type: 'core.task',
      title: '主图 "A/B" 测试',
      description: 'not on the board',
      labels: ['主图', 'A/B'],
      dueAt: '2026-12-11T16:00:00.5Z',
      priority: 'high',
    });
    const started = (await (await move(agent, card, 'in_progress')).json()).task as Card;
    await move(agent, started, 'done');
    const full = await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: agent })).json();
    const { cards } = await (await t.call('GET', '/api/boards/core-task', { cookie: agent })).json();
    const {
      description: _d,
      checklist: _l,
      createdBy: _b,
      createdAt: _c,
      updatedAt: _u,
      archivedAt: _a,
      ...shown
    } = full;
    expect(full.doneAt).not.toBeNull();
    // A face also shows escalation level and checklist progress, which the card itself does not carry.
    expect(cards.find((c: Card) => c.id === card.id)).toEqual({
      ...shown,
      escalationLevel: 0,
      checklistDone: 0,
      checklistTotal: 0,
    });
    const positions = cards.map((c: Card) => c.position);
    expect(positions).toEqual([...positions].sort());
  });

  it('validates fields on every write and names the field', async () => {
    const missing = await t.call('POST', '/api/tasks', {
      cookie: agent,
      body: { type: 'after-sales.case', title: 'x' },
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.details.issues).toEqual([
      expect.objectContaining({ path: 'fields.case_type' }),
    ]);

    const wrong = await t.call('POST', '/api/tasks', {
      cookie: agent,
      body: { type: 'after-sales.case', title: 'x', fields: { case_type: 'refund', claim_amount: '800元' } },
    });
    expect((await wrong.json()).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/fields\.claim_amount: expected number/),
    });

    const unknown = await t.call('POST', '/api/tasks', {
      cookie: agent,
      body: { type: 'after-sales.case', title: 'x', fields: { case_type: 'refund', colour: 'red' } },
    });
    expect((await unknown.json()).error.message).toMatch(/unknown field\(s\) colour for after-sales\.case/);

    const card = await caseCard();
    const cleared = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: agent,
      body: { expectedVersion: 1, fields: { case_type: null } },
    });
    expect(cleared.status).toBe(400);
    expect((await t.call('GET', `/api/tasks/${card.id}`, { cookie: agent }).then((r) => r.json())).version).toBe(1);

    const typo = await t.call('POST', '/api/tasks', { cookie: agent, body: { type: 'after-sales.cases', title: 'x' } });
    expect((await typo.json()).error.message).toBe(
      'Unknown task type "after-sales.cases" (did you mean "after-sales.case"?).',
    );
  });

  it('says exactly which rule refused a move', async () => {
    const card = await caseCard();
    const noTransition = await move(agent, card, 'resolved');
    expect(noTransition.status).toBe(422);
    expect((await noTransition.json()).error).toMatchObject({
      message: 'A after-sales.case card cannot move from "open" to "resolved"; from "open" it can go to: in_progress.',
      details: { reason: 'no_transition', allowed: ['in_progress'] },
    });

    const started = (await (await move(agent, card, 'in_progress')).json()).task as Card;
    const missingFields = await move(agent, started, 'resolved');
    expect((await missingFields.json()).error).toMatchObject({
      message: 'Fill in "order_no", "policy_covered" before moving to "resolved".',
      details: { reason: 'missing_fields', fields: ['order_no', 'policy_covered'] },
    });

    const withOrder = (await (
      await t.call('PATCH', `/api/tasks/${card.id}`, {
        cookie: agent,
        body: { expectedVersion: started.version, fields: { order_no: 'TB-20261127-001', policy_covered: true } },
      })
    ).json()) as Card;
    const resolved = (await (await move(agent, withOrder, 'resolved')).json()).task as Card;
    const permission = await move(agent, resolved, 'closed');
    expect(permission.status).toBe(403);
    expect((await permission.json()).error).toMatchObject({
      message: 'Moving from "resolved" to "closed" needs the "tasks.close" permission.',
      details: { reason: 'permission', permission: 'tasks.close' },
    });
    expect((await move(manager, resolved, 'closed')).status).toBe(200);

    const preSales = await t.signIn(PRE_SALES);
    const shipment = await create(preSales, {
      type: 'after-sales.shipment',
      title: '订单 TB-001 发货',
      fields: { order_no: 'TB-001', paid_at: '2026-11-27T10:00:00+08:00' },
    });
    const guard = await move(preSales, shipment, 'to_ship');
    expect((await guard.json()).error).toMatchObject({
      message: '请先核实收货地址和电话 (Verify the address and phone first)',
      details: { reason: 'guard' },
    });
    // (A price request above policy never waits in "open" for the guard: the discount escalation parks it
    // for the store manager as it is created, unassigned or not.)
    const request = await create(preSales, {
      type: 'after-sales.price-request',
      title: '买家要求 85 折',
      fields: { discount_pct: 15 },
    });
    expect(request.status).toBe('pending_approval');
  });

  it('enforces a column WIP limit that blocks, and reports one that warns', async () => {
    const board = {
      id: 'cs-wip',
      name: 'CS WIP',
      taskTypes: ['core.task'],
      columns: [
        { id: 'todo', name: 'To do', states: ['todo'] },
        { id: 'doing', name: 'Doing', states: ['in_progress'], wipLimit: 1 },
        { id: 'stuck', name: 'Stuck', states: ['blocked'], wipLimit: 1, wipMode: 'warn' },
        { id: 'done', name: 'Done', states: ['done'] },
      ],
    };
    expect((await t.call('POST', '/api/boards', { cookie: director, body: board })).status).toBe(201);
    const [a, b] = [
      await create(agent, { type: 'core.task', title: 'A' }),
      await create(agent, { type: 'core.task', title: 'B' }),
    ];
    const aStarted = (await (await move(agent, a, 'in_progress')).json()).task as Card;
    const blocked = await move(agent, b, 'in_progress');
    expect(blocked.status).toBe(422);
    expect((await blocked.json()).error).toMatchObject({
      message: 'Column "cs-wip/doing" already holds 1 of at most 1 cards.',
      details: { reason: 'wip_limit', column: 'cs-wip/doing', limit: 1, count: 1 },
    });

    const aStuck = await (await move(agent, aStarted, 'blocked')).json();
    expect(aStuck.warnings).toEqual([]);
    const bStarted = (await (await move(agent, b, 'in_progress')).json()).task as Card;
    const warned = await (await move(agent, bStarted, 'blocked')).json();
    expect(warned.task.status).toBe('blocked');
    expect(warned.warnings).toEqual(['Column "cs-wip/stuck" already holds 1 of at most 1 cards.']);
  });

  it('refuses a stale write with 409 and the current card, overwriting nothing', async () => {
    const card = await caseCard();
    const first = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: agent,
      body: { expectedVersion: 1, title: '第一次修改' },
    });
    expect(first.status).toBe(200);
    const stale = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: manager,
      body: { expectedVersion: 1, title: '过期的修改' },
    });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.details.current).toMatchObject({ id: card.id, version: 2, title: '第一次修改' });
    expect((await t.call('GET', `/api/tasks/${card.id}`, { cookie: agent }).then((r) => r.json())).title).toBe(
      '第一次修改',
    );
  });

  it('lets exactly one of several concurrent moves of one card win', async () => {
    const card = await caseCard();
    const results = await Promise.all([agent, manager, director].map((cookie) => move(cookie, card, 'in_progress')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json();
    expect(activity.filter((entry: { action: string }) => entry.action === 'moved')).toHaveLength(1);
  });

  it('assigns to a role by fewest open cards, and records who had it before', async () => {
    const holders = (await (await t.call('GET', '/api/people', { cookie: director })).json()).filter(
      (p: { roles: string[] }) => p.roles.includes('after-sales-agent'),
    );
    expect(holders).toHaveLength(2);
    const assigned: string[] = [];
    for (let i = 0; i < 4; i++) {
      const card = await create(manager, {
        type: 'core.task',
        title: `分派 ${i}`,
        assignTo: { roleId: 'after-sales-agent' },
      });
      assigned.push(card.assigneeId!);
    }
    // Starting from equal loads, the role's holders take turns.
    expect(new Set(assigned).size).toBe(2);
    expect(assigned.filter((id) => id === assigned[0])).toHaveLength(2);

    const card = await create(manager, { type: 'core.task', title: '改派' });
    const other = holders.find((h: { id: string }) => h.id !== assigned[0]).id;
    const response = await t.call('PUT', `/api/tasks/${card.id}/assignment`, {
      cookie: manager,
      body: { expectedVersion: 1, personId: other },
    });
    expect((await response.json()).assigneeId).toBe(other);
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: manager })).json();
    expect(activity.at(-1)).toMatchObject({ action: 'assigned', changes: { assignee_id: [null, other] } });
    expect(
      (
        await t.call('PUT', `/api/tasks/${card.id}/assignment`, {
          cookie: agent,
          body: { expectedVersion: 2, personId: other },
        })
      ).status,
    ).toBe(403);
  });

  it('places a dropped card between its neighbours, keeping one order under concurrent drops', async () => {
    const cards: Card[] = [];
    for (const title of ['一', '二', '三'])
      cards.push(await create(agent, { type: 'core.task', title: `排序 ${title}` }));
    const [one, two, three] = cards as [Card, Card, Card];
    const moved = await (await move(agent, three, 'todo', { afterId: one.id, beforeId: two.id })).json();
    expect(moved.task.position > one.position && moved.task.position < two.position).toBe(true);

    const extra = [
      await create(agent, { type: 'core.task', title: '甲' }),
      await create(agent, { type: 'core.task', title: '乙' }),
    ];
    const drops = await Promise.all(
      extra.map((card) => move(agent, card, 'todo', { afterId: one.id, beforeId: moved.task.id })),
    );
    const placed = await Promise.all(drops.map(async (r) => ((await r.json()).task as Card).position));
    expect(new Set(placed).size).toBe(2);
    for (const position of placed) expect(position > one.position && position < moved.task.position).toBe(true);
  });

  it('archives and restores; an archived card refuses edits', async () => {
    const card = await caseCard();
    const archived = await (
      await t.call('POST', `/api/tasks/${card.id}/archive`, { cookie: agent, body: { expectedVersion: 1 } })
    ).json();
    expect(archived.archivedAt).not.toBeNull();
    const board = await (await t.call('GET', '/api/boards/after-sales-case', { cookie: agent })).json();
    expect(board.cards.map((c: Card) => c.id)).not.toContain(card.id);
    const edit = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: agent,
      body: { expectedVersion: 2, title: 'x' },
    });
    expect((await edit.json()).error.message).toMatch(/is archived; restore it first/);
    const restored = await (
      await t.call('POST', `/api/tasks/${card.id}/restore`, { cookie: agent, body: { expectedVersion: 2 } })
    ).json();
    expect(restored).toMatchObject({ archivedAt: null, version: 3 });
  });

  it('links cards to cards and to pages, seen from both ends, and comments', async () => {
    const [a, b] = [await caseCard(), await caseCard()];
    const blocks = await t.call('POST', `/api/tasks/${a.id}/links`, {
      cookie: agent,
      body: { kind: 'blocks', toTaskId: b.id },
    });
    expect(blocks.status).toBe(201);
    const page = await (
      await t.call('POST', `/api/tasks/${a.id}/links`, {
        cookie: agent,
        body: { kind: 'url', url: 'https://detail.tmall.com/item.htm?id=1', title: '详情页' },
      })
    ).json();
    expect(
      (await t.call('POST', `/api/tasks/${a.id}/links`, { cookie: agent, body: { kind: 'relates', toTaskId: a.id } }))
        .status,
    ).toBe(400);
    expect((await t.call('POST', `/api/tasks/${a.id}/links`, { cookie: agent, body: { kind: 'url' } })).status).toBe(
      400,
    );

    const fromB = await (await t.call('GET', `/api/tasks/${b.id}/links`, { cookie: agent })).json();
    expect(fromB).toEqual([expect.objectContaining({ kind: 'blocks', direction: 'incoming', otherTaskId: a.id })]);
    expect((await t.call('DELETE', `/api/tasks/${a.id}/links/${page.id}`, { cookie: agent })).status).toBe(204);
    expect(
      (await (await t.call('GET', `/api/tasks/${a.id}/links`, { cookie: agent })).json()).map(
        (l: { kind: string }) => l.kind,
      ),
    ).toEqual(['blocks']);

    await t.call('POST', `/api/tasks/${a.id}/comments`, { cookie: manager, body: { body: '已联系快递' } });
    expect(await (await t.call('GET', `/api/tasks/${a.id}/comments`, { cookie: agent })).json()).toEqual([
      expect.objectContaining({ body: '已联系快递', authorName: '许婷' }),
    ]);
    const actions = (await (await t.call('GET', `/api/tasks/${a.id}/activity`, { cookie: agent })).json()).map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(['created', 'linked', 'linked', 'unlinked', 'commented']);
  });

  it('saves views: private to their owner unless shared, removed only by the owner', async () => {
    const mine = await t.call('POST', '/api/boards/core-task/views', {
      cookie: agent,
      body: { name: '我的逾期', filters: { overdue: 'true' } },
    });
    expect(mine.status).toBe(201);
    const shared = await (
      await t.call('POST', '/api/boards/core-task/views', {
        cookie: manager,
        body: { name: '双十一', filters: { label: '双十一' }, shared: true },
      })
    ).json();
    const names = async (cookie: string) =>
      (await (await t.call('GET', '/api/boards/core-task/views', { cookie })).json()).map(
        (v: { name: string }) => v.name,
      );
    expect(await names(agent)).toEqual(['双十一', '我的逾期']);
    expect(await names(manager)).toEqual(['双十一']);
    expect((await t.call('DELETE', `/api/boards/core-task/views/${shared.id}`, { cookie: agent })).status).toBe(404);
    expect((await t.call('DELETE', `/api/boards/core-task/views/${shared.id}`, { cookie: manager })).status).toBe(204);
    const bad = await t.call('POST', '/api/boards/core-task/views', {
      cookie: agent,
      body: { name: 'x', filters: { overdue: 'sometimes' } },
    });
    expect(bad.status).toBe(400);
  });

  it('filters a board by text, type, assignee, role, label, due date and overdue', async () => {
    const person = (await (await t.call('GET', '/api/me', { cookie: agent })).json()).id;
    await create(agent, {
      type: 'core.task',
      title: '核对库存 SKU-88',
      labels: ['双十一'],
      dueAt: '2020-01-01T00:00:00Z',
      assignTo: { personId: person, roleId: 'after-sales-agent' },
    });
    const query = async (q: string) =>
      (await (await t.call('GET', `/api/boards/core-task?${q}`, { cookie: agent })).json()).cards.map(
        (c: { title: string }) => c.title,
      );
    expect(await query(`q=${encodeURIComponent('sku-88')}`)).toEqual(['核对库存 SKU-88']);
    expect(await query(`label=${encodeURIComponent('双十一')}`)).toEqual(['核对库存 SKU-88']);
    expect(await query('overdue=true')).toEqual(['核对库存 SKU-88']);
    expect(await query(`assignee=${person}&q=SKU`)).toEqual(['核对库存 SKU-88']);
    expect(await query('role=after-sales-agent&q=SKU')).toEqual(['核对库存 SKU-88']);
    expect(await query('q=%25')).toEqual([]);
    expect(await query('dueBefore=2020-06-01T00:00:00Z&q=SKU')).toEqual(['核对库存 SKU-88']);
    expect(await query('dueBefore=2019-12-31T00:00:00Z&q=SKU')).toEqual([]);

    const mixed = {
      id: 'ops-mixed',
      name: '运营',
      taskTypes: ['core.task', 'core.report'],
      columns: ['todo', 'in_progress', 'blocked', 'done'].map((state) => ({ id: state, name: state, states: [state] })),
    };
    expect((await t.call('POST', '/api/boards', { cookie: director, body: mixed })).status).toBe(201);
    await create(agent, { type: 'core.report', title: 'SKU-88 周报' });
    const onMixed = async (q: string) =>
      (await (await t.call('GET', `/api/boards/ops-mixed?${q}`, { cookie: agent })).json()).cards.map(
        (c: { title: string }) => c.title,
      );
    expect((await onMixed('q=SKU-88')).sort()).toEqual(['SKU-88 周报', '核对库存 SKU-88']);
    expect(await onMixed('q=SKU-88&type=core.report')).toEqual(['SKU-88 周报']);

    // A board shows only its own types' cards, whatever the filter asks for.
    const other = await t.call('GET', '/api/boards/core-task?type=core.report', { cookie: agent });
    expect(other.status).toBe(400);
    expect((await other.json()).error.message).toBe(
      'Board "core-task" shows core.task; it has no cards of type "core.report".',
    );
    expect(
      (
        await t.call('POST', '/api/boards/core-task/views', {
          cookie: agent,
          body: { name: 'x', filters: { type: 'core.report' } },
        })
      ).status,
    ).toBe(400);
  });

  it('shows the signed-in person their own cards with assignee=me, and refuses any other non-id with 400', async () => {
    const me = async (cookie: string) => (await (await t.call('GET', '/api/me', { cookie })).json()).id as string;
    const [agentId, managerId] = [await me(agent), await me(manager)];
    await create(manager, {
      type: 'core.task',
      title: '我的-售后 A',
      assignTo: { personId: agentId, roleId: 'after-sales-agent' },
    });
    await create(manager, {
      type: 'core.task',
      title: '我的-经理 B',
      assignTo: { personId: managerId, roleId: 'cs-manager' },
    });
    const mine = async (cookie: string) => {
      const response = await t.call('GET', `/api/boards/core-task?assignee=me&q=${encodeURIComponent('我的-')}`, {
        cookie,
      });
      expect(response.status).toBe(200);
      return (await response.json()).cards.map((c: { title: string }) => c.title);
    };
    expect(await mine(agent)).toEqual(['我的-售后 A']);
    expect(await mine(manager)).toEqual(['我的-经理 B']);
    for (const bad of ['myself', 'ME', '12', '']) {
      const response = await t.call('GET', `/api/boards/core-task?assignee=${bad}`, { cookie: agent });
      expect(response.status, bad).toBe(400);
      expect((await response.json()).error.details.issues).toEqual([
        { path: 'assignee', message: 'expected a person id or "me"' },
      ]);
    }
    // A shared view with `me` shows each viewer their own cards.
    const view = await t.call('POST', '/api/boards/core-task/views', {
      cookie: manager,
      body: { name: '我的卡片', filters: { assignee: 'me' }, shared: true },
    });
    expect(view.status).toBe(201);
    expect((await view.json()).filters).toEqual({ assignee: 'me' });
  });

  it('checks a board definition against the task types it shows, naming each problem', async () => {
    const board = (changes: Record<string, unknown>) => ({
      id: 'draft-board',
      name: 'Draft',
      taskTypes: ['core.task'],
      columns: [
        { id: 'todo', name: 'To do', states: ['todo'] },
        { id: 'doing', name: 'Doing', states: ['in_progress', 'todo'] },
        { id: 'done', name: 'Done', states: ['finished'] },
      ],
      swimlanes: 'field:channel',
      ...changes,
    });
    const refused = await t.call('POST', '/api/boards', { cookie: director, body: board({}) });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.details.issues).toEqual([
      { path: 'columns.1.states.1', message: 'state "todo" is already in column "todo"' },
      { path: 'columns.2.states.0', message: 'no shown task type has a state "finished"' },
      { path: 'swimlanes', message: 'no shown task type has a field "channel"' },
    ]);
    expect(
      (await t.call('POST', '/api/boards', { cookie: director, body: board({ taskTypes: ['core.tasks'] }) })).status,
    ).toBe(400);
    expect((await t.call('GET', '/api/boards/draft-board', { cookie: director })).status).toBe(404);

    const fine = await t.call('POST', '/api/boards', {
      cookie: director,
      body: board({
        taskTypes: ['after-sales.case'],
        columns: [
          {
            id: 'all',
            name: '全部',
            states: [
              'open',
              'in_progress',
              'waiting_customer',
              'waiting_courier',
              'awaiting_approval',
              'approved',
              'resolved',
              'closed',
            ],
          },
        ],
        swimlanes: 'field:case_type',
      }),
    });
    expect(fine.status, await fine.clone().text()).toBe(201);
    expect(await fine.json()).toMatchObject({ id: 'draft-board', swimlanes: 'field:case_type', personalWip: null });
  });
});

describe.each(testDatabases)('task types in use on $kind', (database) => {
  const org = (withType: boolean) => `
version: 1
organization: {id: kitchen, name: Kitchen}
${
  withType
    ? `task_types:
  - id: kitchen.incident
    name: Incident
    workflow:
      initial: open
      states: [{id: open, name: Open, category: todo}, {id: done, name: Done, category: done}]
      transitions: [{from: open, to: done}]`
    : ''
}
roles:
  - {id: chef, name: Chef, can: [boards.view, tasks.create, tasks.move, roles.edit, org.view]}
members:
  - {email: chef@kitchen.test, name: Chef, roles: [chef]}
`;

  it('refuses a roles change that removes a task type open cards use, with the count', async () => {
    const t = await createTestApp(database, [{ name: 'kitchen.yaml', text: org(true) }]);
    try {
      const chef = await t.signIn('chef@kitchen.test');
      const card = await (
        await t.call('POST', '/api/tasks', { cookie: chef, body: { type: 'kitchen.incident', title: '烫伤' } })
      ).json();
      const base = (await (await t.call('GET', '/api/org', { cookie: chef })).json()).versionId;
      const without = { baseVersionId: base, files: [{ name: 'kitchen.yaml', text: org(false) }] };
      const dryRun = await (
        await t.call('POST', '/api/org/validate', { cookie: chef, body: { files: without.files } })
      ).json();
      expect(dryRun.impact.taskTypesInUse).toEqual([{ taskType: 'kitchen.incident', openCards: 1 }]);
      const refused = await t.call('PUT', '/api/org', { cookie: chef, body: without });
      expect(refused.status).toBe(422);
      expect((await refused.json()).error.message).toMatch(/kitchen\.incident \(1 open card\)/);

      await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
        cookie: chef,
        body: { to: 'done', expectedVersion: 1 },
      });
      expect((await t.call('PUT', '/api/org', { cookie: chef, body: without })).status).toBe(200);
    } finally {
      await t.dispose();
    }
  });
});

describe.each(testDatabases)('personal WIP limits on $kind', (database) => {
  const org = `
version: 1
organization: {id: desk, name: Desk}
roles:
  - {id: lead, name: Lead, can: [boards.view, tasks.create, tasks.assign, tasks.move]}
  - id: agent
    name: Agent
    reports_to: lead
    can: [boards.view, tasks.move]
    personal_wip: {core.task: 2}
members:
  - {email: lead@desk.test, name: Lead, roles: [lead]}
  - {email: a1@desk.test, name: A1, roles: [agent]}
  - {email: a2@desk.test, name: A2, roles: [agent]}
`;

  it('passes over holders at their limit; with everyone full the card waits with the role', async () => {
    const t = await createTestApp(database, [{ name: 'desk.yaml', text: org }]);
    try {
      const lead = await t.signIn('lead@desk.test');
      const assign = async () =>
        (await (
          await t.call('POST', '/api/tasks', {
            cookie: lead,
            body: { type: 'core.task', title: '工单', assignTo: { roleId: 'agent' } },
          })
        ).json()) as { id: number; assigneeId: string | null; roleId: string };
      const cards = [await assign(), await assign(), await assign(), await assign()];
      const perPerson = new Map<string, number>();
      for (const card of cards) perPerson.set(card.assigneeId!, (perPerson.get(card.assigneeId!) ?? 0) + 1);
      expect([...perPerson.values()]).toEqual([2, 2]);

      const fifth = await assign();
      expect(fifth).toMatchObject({ assigneeId: null, roleId: 'agent' });

      // Finishing a card frees a place.
      await t.call('PATCH', `/api/tasks/${cards[0]!.id}/transition`, {
        cookie: lead,
        body: { to: 'done', expectedVersion: 1 },
      });
      expect((await assign()).assigneeId).toBe(cards[0]!.assigneeId);
    } finally {
      await t.dispose();
    }
  });
});
