// Swimlanes on every database: a board split by role, assignee, priority or a field loads with the lanes
// its cards fall into, named and in one order for every client, the lane of cards without one last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
roles:
  - {id: lead, name: {zh-CN: 店长, en: Store lead}, can: [boards.view, boards.manage, tasks.create, tasks.assign]}
  - {id: listing, name: {zh-CN: 上架专员, en: Listing}, reports_to: lead, can: [boards.view]}
  - {id: copy, name: {zh-CN: 文案, en: Copywriter}, reports_to: lead, can: [boards.view]}
members:
  - {email: lead@shop.test, name: 店长, roles: [lead]}
  - {email: zhou@shop.test, name: 周婷, roles: [listing]}
  - {email: an@shop.test, name: 安琪, roles: [copy]}
task_types:
  - id: shop.listing
    name: 上架
    fields:
      - {id: channel, name: 渠道, type: enum, options: [tmall, jd, douyin]}
    workflow:
      initial: todo
      states: [{id: todo, name: 待办, category: todo}, {id: done, name: 完成, category: done}]
      transitions: [{from: todo, to: done}]
`;

interface Lane {
  key: string | null;
  name: unknown;
}

describe.each(testDatabases)('swimlanes on $kind', (database) => {
  let t: TestApp;
  let lead: string;
  const people: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }]);
    lead = await t.signIn('lead@shop.test');
    for (const who of ['zhou', 'an'])
      people[who] = (await (await t.call('GET', '/api/me', { cookie: await t.signIn(`${who}@shop.test`) })).json()).id;
    const card = async (body: Record<string, unknown>) =>
      expect(
        (await t.call('POST', '/api/tasks', { cookie: lead, body: { type: 'shop.listing', title: '新品', ...body } }))
          .status,
      ).toBe(201);
    await card({
      fields: { channel: 'douyin' },
      priority: 'low',
      assignTo: { personId: people.zhou, roleId: 'listing' },
    });
    await card({ fields: { channel: 'tmall' }, priority: 'urgent', assignTo: { personId: people.an, roleId: 'copy' } });
    await card({ fields: { channel: 'douyin' }, labels: ['抖音专场'], assignTo: { roleId: 'copy' } });
    await card({});
  });
  afterAll(() => t.dispose());

  const lanesOf = async (swimlanes: string, query = '') => {
    const id = `by-${swimlanes.replace(':', '-')}`;
    if ((await t.call('GET', `/api/boards/${id}`, { cookie: lead })).status === 404) {
      const board = {
        id,
        name: id,
        taskTypes: ['shop.listing'],
        columns: [
          { id: 'todo', name: '待办', states: ['todo'] },
          { id: 'done', name: '完成', states: ['done'] },
        ],
        swimlanes,
      };
      expect((await t.call('POST', '/api/boards', { cookie: lead, body: board })).status).toBe(201);
    }
    const loaded = await (await t.call('GET', `/api/boards/${id}${query}`, { cookie: lead })).json();
    return loaded.lanes as Lane[];
  };

  it("orders an enum field's lanes as its options, cards without a value last", async () => {
    expect(await lanesOf('field:channel')).toEqual([
      { key: 'tmall', name: 'tmall' },
      { key: 'douyin', name: 'douyin' },
      { key: null, name: { 'zh-CN': '未填写', en: 'Not set' } },
    ]);
  });

  it('orders role lanes as the organisation lists its roles, with their names', async () => {
    expect(await lanesOf('role')).toEqual([
      { key: 'listing', name: { 'zh-CN': '上架专员', en: 'Listing' } },
      { key: 'copy', name: { 'zh-CN': '文案', en: 'Copywriter' } },
      { key: null, name: { 'zh-CN': '未分配', en: 'Unassigned' } },
    ]);
  });

  it('names assignee lanes after the people, in name order', async () => {
    // 安 (ān) sorts before 周 (zhōu) in Chinese order.
    expect(await lanesOf('assignee')).toEqual([
      { key: people.an, name: '安琪' },
      { key: people.zhou, name: '周婷' },
      { key: null, name: { 'zh-CN': '未分配', en: 'Unassigned' } },
    ]);
  });

  it('orders priority lanes from urgent down, showing only those with cards', async () => {
    expect((await lanesOf('priority')).map((lane) => lane.key)).toEqual(['urgent', 'normal', 'low']);
  });

  it('shows only the lanes of the cards a filter leaves, and none on a board without lanes', async () => {
    expect(await lanesOf('role', `?label=${encodeURIComponent('抖音专场')}`)).toEqual([
      { key: 'copy', name: { 'zh-CN': '文案', en: 'Copywriter' } },
    ]);
    expect((await (await t.call('GET', '/api/boards/shop-listing', { cookie: lead })).json()).lanes).toEqual([]);
  });
});
