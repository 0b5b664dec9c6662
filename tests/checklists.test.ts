// Checklists on every database: a card's own list, ticked with the version seen and kept in the activity
// log; and a task type's checklist field, which a guard can require to be all done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
roles:
  - {id: lister, name: 上架专员, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
members:
  - {email: li@shop.test, name: 李娜, roles: [lister]}
  - {email: wang@shop.test, name: 王芳, roles: [lister]}
task_types:
  - id: shop.listing
    name: {zh-CN: 商品上架, en: Listing}
    fields:
      - {id: qa, name: 上架检查 (Pre-listing checks), type: checklist, required: true}
    workflow:
      initial: draft
      states:
        - {id: draft, name: 草稿, category: todo}
        - {id: live, name: 已上架, category: done}
      transitions:
        - from: draft
          to: live
          guard: {all: [{var: task.fields.qa}, {var: done}]}
          guard_message: 上架检查未全部完成 (Pre-listing checks are not all done)
`;

interface Card {
  id: number;
  version: number;
  status: string;
  checklist: { text: string; done: boolean }[];
  fields: Record<string, unknown>;
}

describe.each(testDatabases)('checklists on $kind', (database) => {
  let t: TestApp;
  let li: string;
  let wang: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }]);
    [li, wang] = await Promise.all([t.signIn('li@shop.test'), t.signIn('wang@shop.test')]);
  });
  afterAll(() => t.dispose());

  const call = async (cookie: string, method: string, path: string, body?: Record<string, unknown>) => {
    const response = await t.call(method, path, { cookie, ...(body ? { body } : {}) });
    return { status: response.status, body: await response.json() };
  };

  it("keeps a card's own checklist: ticks are versioned writes, logged old → new", async () => {
    const items = [
      { text: '核对价格', done: false },
      { text: 'Check photos', done: false },
    ];
    const created = await call(li, 'POST', '/api/tasks', { type: 'core.task', title: '双十一主图', checklist: items });
    expect(created.status).toBe(201);
    const card = created.body as Card;
    expect(card.checklist).toEqual(items);

    const ticked = [{ ...items[0]!, done: true }, items[1]!];
    const edited = await call(li, 'PATCH', `/api/tasks/${card.id}`, {
      expectedVersion: card.version,
      checklist: ticked,
    });
    expect(edited.body).toMatchObject({ version: card.version + 1, checklist: ticked });
    expect((await call(wang, 'GET', `/api/tasks/${card.id}`)).body.checklist).toEqual(ticked);

    const activity = (await call(li, 'GET', `/api/tasks/${card.id}/activity`)).body as {
      action: string;
      changes: Record<string, unknown>;
    }[];
    expect(activity.at(-1)).toMatchObject({ action: 'updated', changes: { checklist: [items, ticked] } });
  });

  it("refuses a tick made on a stale card with 409 and the current list, so two people's ticks never overwrite each other", async () => {
    const card = (
      await call(li, 'POST', '/api/tasks', {
        type: 'core.task',
        title: 'Copy review',
        checklist: [
          { text: 'a', done: false },
          { text: 'b', done: false },
        ],
      })
    ).body as Card;
    const liTicks = await call(li, 'PATCH', `/api/tasks/${card.id}`, {
      expectedVersion: card.version,
      checklist: [
        { text: 'a', done: true },
        { text: 'b', done: false },
      ],
    });
    expect(liTicks.status).toBe(200);

    const wangTicks = await call(wang, 'PATCH', `/api/tasks/${card.id}`, {
      expectedVersion: card.version,
      checklist: [
        { text: 'a', done: false },
        { text: 'b', done: true },
      ],
    });
    expect(wangTicks.status).toBe(409);
    expect(wangTicks.body.error.details.current).toMatchObject({
      version: card.version + 1,
      checklist: [
        { text: 'a', done: true },
        { text: 'b', done: false },
      ],
    });
    expect((await call(li, 'GET', `/api/tasks/${card.id}`)).body.checklist).toEqual([
      { text: 'a', done: true },
      { text: 'b', done: false },
    ]);
  });

  it('names the item that is wrong and changes nothing', async () => {
    const card = (
      await call(li, 'POST', '/api/tasks', {
        type: 'core.task',
        title: 'x',
        checklist: [{ text: 'keep', done: false }],
      })
    ).body as Card;
    const blank = await call(li, 'PATCH', `/api/tasks/${card.id}`, {
      expectedVersion: card.version,
      checklist: [
        { text: 'keep', done: true },
        { text: '  ', done: false },
      ],
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error.details.issues).toEqual([expect.objectContaining({ path: 'checklist.1.text' })]);
    const extra = await call(li, 'PATCH', `/api/tasks/${card.id}`, {
      expectedVersion: card.version,
      checklist: [{ text: 'keep', done: 'yes', by: 'me' }],
    });
    expect(extra.body.error.details.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'checklist.0',
      'checklist.0.done',
    ]);
    expect((await call(li, 'GET', `/api/tasks/${card.id}`)).body).toMatchObject({
      version: card.version,
      checklist: [{ text: 'keep', done: false }],
    });
  });

  it('validates a checklist field by item, and a guard can hold a card until every item is done', async () => {
    const wrong = await call(li, 'POST', '/api/tasks', {
      type: 'shop.listing',
      title: '新品 A',
      fields: { qa: [{ text: '主图', done: 'no' }] },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues).toEqual([expect.objectContaining({ path: 'fields.qa.0.done' })]);

    const qa = [
      { text: '主图已审', done: true },
      { text: '价格已核', done: false },
    ];
    const card = (await call(li, 'POST', '/api/tasks', { type: 'shop.listing', title: '新品 A', fields: { qa } }))
      .body as Card;
    const early = await call(li, 'PATCH', `/api/tasks/${card.id}/transition`, {
      to: 'live',
      expectedVersion: card.version,
    });
    expect(early.status).toBe(422);
    expect(early.body.error).toMatchObject({
      message: '上架检查未全部完成 (Pre-listing checks are not all done)',
      details: { reason: 'guard' },
    });

    const done = (
      await call(li, 'PATCH', `/api/tasks/${card.id}`, {
        expectedVersion: card.version,
        fields: { qa: qa.map((item) => ({ ...item, done: true })) },
      })
    ).body as Card;
    const live = await call(li, 'PATCH', `/api/tasks/${card.id}/transition`, {
      to: 'live',
      expectedVersion: done.version,
    });
    expect(live.status).toBe(200);
    expect(live.body.task.status).toBe('live');
  });
});
