// Per-person caps on every database: saved views kept, comments and links added in a day. At the cap a
// request is refused with 429 naming the cap, nothing is stored, parallel requests cannot pass it
// together, and other people are not held back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
roles:
  - {id: staff, name: 运营, can: [boards.view, tasks.create, tasks.edit, tasks.move]}
members:
  - {email: li@shop.test, name: 李娜, roles: [staff]}
  - {email: wang@shop.test, name: 王芳, roles: [staff]}
`;

describe.each(testDatabases)('per-person caps on $kind', (database) => {
  let t: TestApp;
  let li: string;
  let wang: string;
  let card: { id: number };

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }], {
      caps: { savedViews: 3, commentsPerDay: 4, linksPerDay: 2 },
    });
    [li, wang] = await Promise.all([t.signIn('li@shop.test'), t.signIn('wang@shop.test')]);
    card = await (
      await t.call('POST', '/api/tasks', { cookie: li, body: { type: 'core.task', title: '详情页' } })
    ).json();
  });
  afterAll(() => t.dispose());

  const count = async (table: 'saved_views' | 'task_comments' | 'task_links') =>
    Number(
      (
        await t.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('keeps at most the cap of saved views per person, and says so', async () => {
    const add = (cookie: string, name: string) =>
      t.call('POST', '/api/boards/core-task/views', { cookie, body: { name, filters: { q: name } } });
    // Parallel requests take turns at the cap: three of five get in.
    const results = await Promise.all(['一', '二', '三', '四', '五'].map((name) => add(li, name)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429]);
    const refused = await add(li, '六');
    expect(refused.status).toBe(429);
    const { error } = await refused.json();
    expect(error.message).toBe(
      'You already keep 3 saved views, the most one person may; delete one you no longer use first.',
    );
    expect(error.details).toEqual({ reason: 'person_cap', cap: 'saved_views', limit: 3 });
    expect(await count('saved_views')).toBe(3);
    expect((await add(wang, '王的视图')).status).toBe(201);

    const [first] = await (await t.call('GET', '/api/boards/core-task/views', { cookie: li })).json();
    expect((await t.call('DELETE', `/api/boards/core-task/views/${first.id}`, { cookie: li })).status).toBe(204);
    expect((await add(li, '七')).status).toBe(201);
  });

  it('takes at most the cap of comments per person in a day', async () => {
    const comment = (cookie: string, body: string) =>
      t.call('POST', `/api/tasks/${card.id}/comments`, { cookie, body: { body } });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => comment(li, `第 ${n} 条`)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 429, 429]);
    const refused = await comment(li, '再来一条');
    expect((await refused.json()).error).toMatchObject({
      code: 'RATE_LIMITED',
      message: 'You have written 4 comments in the last 24 hours, the most one person may; try again later.',
      details: { reason: 'person_cap', cap: 'comments', limit: 4, windowHours: 24 },
    });
    expect(await count('task_comments')).toBe(4);
    expect((await comment(wang, '王的评论')).status).toBe(201);
  });

  it('takes at most the cap of links per person in a day', async () => {
    const link = (cookie: string, n: number) =>
      t.call('POST', `/api/tasks/${card.id}/links`, { cookie, body: { kind: 'url', url: `https://shop.test/p/${n}` } });
    expect((await link(li, 1)).status).toBe(201);
    expect((await link(li, 2)).status).toBe(201);
    const refused = await link(li, 3);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.details).toEqual({
      reason: 'person_cap',
      cap: 'links',
      limit: 2,
      windowHours: 24,
    });
    expect(await count('task_links')).toBe(2);
    expect((await link(wang, 4)).status).toBe(201);
  });
});
