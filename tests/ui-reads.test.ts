// The reads the web app's screens make, on every database: each screen costs one request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop, timezone: Asia/Shanghai}
roles:
  - {id: lead, name: {zh-CN: 组长, en: Lead}, can: [boards.view, tasks.create, tasks.move, tasks.edit, tasks.approve]}
  - {id: staff, name: 运营, reports_to: lead, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
task_types:
  - id: shop.copy
    name: {zh-CN: 文案, en: Copy}
    fields:
      - {id: sku, name: SKU, type: text, required: true}
      - {id: budget, name: 预算, type: money, currency: CNY}
    workflow:
      initial: draft
      states:
        - {id: draft, name: 草稿, category: todo}
        - {id: review, name: 审核, category: active}
        - {id: live, name: 上线, category: done}
      transitions:
        - {from: draft, to: review, required_fields: [budget]}
        - {from: review, to: live, requires: tasks.approve}
members:
  - {email: li@shop.test, name: 李娜, roles: [lead]}
  - {email: wang@shop.test, name: 王芳, roles: [staff]}
`;

describe.each(testDatabases)('UI reads on $kind', (database) => {
  let t: TestApp;
  let wang: string;
  let wangId: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }]);
    wang = await t.signIn('wang@shop.test');
    wangId = (await (await t.call('GET', '/api/me', { cookie: wang })).json()).id;
  });
  afterAll(() => t.dispose());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await t.call(method, path, { cookie: wang, ...(body ? { body } : {}) });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.status === 204 ? undefined : response.json();
  };

  it('lists task types with their fields and workflow, and a directory of roles and people', async () => {
    const types = await call('GET', '/api/task-types');
    const copy = types.find((type: { id: string }) => type.id === 'shop.copy');
    expect(copy.fields[0]).toMatchObject({ id: 'sku', type: 'text', required: true });
    expect(copy.fields[1]).toMatchObject({ id: 'budget', type: 'money', currency: 'CNY' });
    expect(copy.workflow.transitions[0]).toMatchObject({ from: 'draft', to: 'review', requiredFields: ['budget'] });
    expect(types.some((type: { id: string }) => type.id === 'core.task')).toBe(true);
    const directory = await call('GET', '/api/directory');
    expect(directory.organization).toEqual({ name: 'Shop', locale: null, timezone: 'Asia/Shanghai' });
    expect(directory.roles[0]).toEqual({ id: 'lead', name: { 'zh-CN': '组长', en: 'Lead' }, department: null });
    expect(directory.people.map((p: { displayName: string }) => p.displayName).sort()).toEqual(['李娜', '王芳'].sort());
  });

  it('gives a card whole in one read: comments, activity, watchers and which moves are possible now and why not', async () => {
    const card = await call('POST', '/api/tasks', {
      type: 'shop.copy',
      title: '双11 主图文案',
      fields: { sku: 'A-1' },
      checklist: [
        { text: '初稿', done: true },
        { text: '校对', done: false },
      ],
    });
    await call('POST', `/api/tasks/${card.id}/comments`, { body: '请看一下' });
    await call('PUT', `/api/tasks/${card.id}/watch`);
    const detail = await call('GET', `/api/tasks/${card.id}/detail`);
    expect(detail.task).toMatchObject({ id: card.id, title: '双11 主图文案' });
    expect(detail.comments.items.map((c: { body: string }) => c.body)).toEqual(['请看一下']);
    expect(detail.comments.olderCursor).toBeNull();
    expect(detail.activity.items[0]).toMatchObject({ action: 'created', actorName: '王芳' });
    expect(detail.watchers).toEqual([{ id: wangId, displayName: '王芳' }]);
    expect(detail.watching).toBe(true);
    expect(detail.transitions).toEqual([
      expect.objectContaining({
        to: 'review',
        name: '审核',
        available: false,
        reason: 'missing_fields',
        details: expect.objectContaining({ fields: ['budget'] }),
      }),
    ]);

    const board = await call('GET', '/api/boards/shop-copy');
    expect(board.cards.find((c: { id: number }) => c.id === card.id)).toMatchObject({
      checklistDone: 1,
      checklistTotal: 2,
      escalationLevel: 0,
    });
  });

  it('pages long lists with cursors: comments and activity before an id, the inbox newest first', async () => {
    const card = await call('POST', '/api/tasks', { type: 'core.task', title: '长讨论' });
    for (let i = 1; i <= 5; i++) await call('POST', `/api/tasks/${card.id}/comments`, { body: `第${i}条` });
    const first = await call('GET', `/api/tasks/${card.id}/comments?limit=2`);
    expect(first.map((c: { body: string }) => c.body)).toEqual(['第4条', '第5条']);
    const second = await call('GET', `/api/tasks/${card.id}/comments?limit=2&before=${first[0].id}`);
    expect(second.map((c: { body: string }) => c.body)).toEqual(['第2条', '第3条']);
    const activity = await call('GET', `/api/tasks/${card.id}/activity?limit=1`);
    expect(activity).toHaveLength(1);
    const inbox = await call('GET', '/api/notifications?limit=1');
    expect(inbox).toMatchObject({ olderCursor: null, items: [] });
  });

  it('shows my work: my open cards by due date', async () => {
    const later = await call('POST', '/api/tasks', {
      type: 'core.task',
      title: '晚些',
      dueAt: '2030-01-02T00:00:00.000Z',
      assignTo: { personId: wangId },
    });
    const sooner = await call('POST', '/api/tasks', {
      type: 'core.task',
      title: '早些',
      dueAt: '2030-01-01T00:00:00.000Z',
      assignTo: { personId: wangId },
    });
    const work = await call('GET', '/api/me/work');
    expect(work.cards.map((c: { id: number }) => c.id).slice(0, 2)).toEqual([sooner.id, later.id]);
    expect(work.duties).toEqual([]);
    expect(work.escalated).toEqual([]);
    expect(Date.parse(work.week.end) - Date.parse(work.week.start)).toBe(7 * 24 * 3600 * 1000);
  });
});
