// Watching a card, on every database: a watcher hears of every change someone else makes to it, in their
// inbox, until they stop watching; their own changes and reordering are not worth telling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
roles:
  - {id: staff, name: 运营, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
members:
  - {email: li@shop.test, name: 李娜, roles: [staff]}
  - {email: wang@shop.test, name: 王芳, roles: [staff]}
`;

interface Card {
  id: number;
  version: number;
}

describe.each(testDatabases)('watchers on $kind', (database) => {
  let t: TestApp;
  let li: string;
  let wang: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }]);
    [li, wang] = await Promise.all([t.signIn('li@shop.test'), t.signIn('wang@shop.test')]);
  });
  afterAll(() => t.dispose());

  const call = async (cookie: string, method: string, path: string, body?: unknown) => {
    const response = await t.call(method, path, { cookie, ...(body ? { body } : {}) });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.status === 204 ? undefined : response.json();
  };
  const inbox = async (cookie: string) =>
    (await call(cookie, 'GET', '/api/notifications')) as {
      unread: number;
      items: { taskId: number; kind: string; title: string }[];
    };
  const move = async (cookie: string, card: Card, to: string, extra: Record<string, unknown> = {}): Promise<Card> =>
    (await call(cookie, 'PATCH', `/api/tasks/${card.id}/transition`, { to, expectedVersion: card.version, ...extra }))
      .task;

  it('tells a watcher of each change someone else makes, until they stop watching', async () => {
    let card = (await call(wang, 'POST', '/api/tasks', { type: 'core.task', title: '详情页文案' })) as Card;
    const liId = (await call(li, 'GET', '/api/me')).id;
    expect(await call(li, 'PUT', `/api/tasks/${card.id}/watch`)).toEqual({ watchers: [liId] });

    card = await move(wang, card, 'in_progress');
    await call(wang, 'POST', `/api/tasks/${card.id}/comments`, { body: '初稿好了' });
    card = await call(wang, 'PATCH', `/api/tasks/${card.id}`, { expectedVersion: card.version, labels: ['文案'] });
    const told = await inbox(li);
    expect(told.items.filter((item) => item.taskId === card.id).map((item) => item.kind)).toEqual([
      'watched.updated',
      'watched.commented',
      'watched.moved',
    ]);
    expect(told.items[0]).toMatchObject({ title: '详情页文案' });
    expect(told.unread).toBe(3);
    expect((await inbox(wang)).items).toEqual([]);

    // Li's own change, and a reorder in the column, are not news to Li.
    card = await move(li, card, 'blocked');
    const other = (await call(wang, 'POST', '/api/tasks', { type: 'core.task', title: '另一张' })) as Card;
    const started = await move(wang, await move(wang, other, 'in_progress'), 'blocked');
    card = await move(wang, card, 'blocked', { afterId: started.id });
    expect((await inbox(li)).items).toHaveLength(3);

    expect(await call(li, 'DELETE', `/api/tasks/${card.id}/watch`)).toEqual({ watchers: [] });
    await move(wang, card, 'in_progress');
    expect((await inbox(li)).items).toHaveLength(3);
  });
});
