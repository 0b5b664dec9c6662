// A task type's fields on every database: defaults fill what a writer leaves out, limits hold on every
// write, and each refusal names the field and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
roles:
  - {id: promoter, name: 推广专员, can: [boards.view, tasks.create, tasks.edit]}
members:
  - {email: zhao@shop.test, name: 赵磊, roles: [promoter]}
task_types:
  - id: shop.ad-campaign
    name: {zh-CN: 推广计划, en: Ad campaign}
    fields:
      - {id: channel, name: 渠道, type: enum, options: [search, feed, live], default: search}
      - {id: budget, name: 预算, type: money, currency: CNY, min: 0, max: 50000}
      - {id: target_roi, name: 目标 ROI, type: number, min: 0, max: 20, default: 3}
      - {id: ctr_goal, name: 点击率目标, type: percent, min: 0, max: 100}
      - {id: slogan, name: 文案, type: text, max_length: 12}
      - {id: landing, name: 落地页, type: url}
      - {id: starts, name: 开始日期, type: date}
      - {id: tags, name: 人群, type: multi_enum, options: [new, returning, vip]}
    workflow:
      initial: draft
      states:
        - {id: draft, name: 草稿, category: todo}
        - {id: running, name: 投放中, category: active}
      transitions:
        - {from: draft, to: running}
`;

describe.each(testDatabases)('task type fields on $kind', (database) => {
  let t: TestApp;
  let zhao: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }]);
    zhao = await t.signIn('zhao@shop.test');
  });
  afterAll(() => t.dispose());

  const create = async (fields: Record<string, unknown>) => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: zhao,
      body: { type: 'shop.ad-campaign', title: '双十一直通车', fields },
    });
    return { status: response.status, body: await response.json() };
  };

  it('fills in defaults the writer left out, and keeps what they gave', async () => {
    expect((await create({})).body.fields).toEqual({ channel: 'search', target_roi: 3 });
    expect((await create({ channel: 'live', budget: 1200.5 })).body.fields).toEqual({
      channel: 'live',
      budget: 1200.5,
      target_roi: 3,
    });
  });

  it.each([
    [{ budget: 60000 }, 'fields.budget', /<=50000/],
    [{ budget: -1 }, 'fields.budget', />=0/],
    [{ budget: 99.999 }, 'fields.budget', /expected an amount in CNY with at most 2 decimals/],
    [{ target_roi: 25 }, 'fields.target_roi', /<=20/],
    [{ ctr_goal: 120 }, 'fields.ctr_goal', /<=100/],
    [{ slogan: '全场五折起，买二送一，限时抢购' }, 'fields.slogan', /at most 12 characters|<=12 characters/],
    [{ landing: 'javascript:alert(1)' }, 'fields.landing', /URL/i],
    [{ starts: '2026-13-01' }, 'fields.starts', /date/i],
    [{ channel: 'tv' }, 'fields.channel', /expected one of "search"\|"feed"\|"live"/],
    [{ tags: ['vip', 'vip'] }, 'fields.tags', /each option at most once/],
  ])('refuses %j, naming %s', async (fields, path, message) => {
    const refused = await create(fields);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues).toEqual([expect.objectContaining({ path })]);
    expect(refused.body.error.details.issues[0].message).toMatch(message);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a field named %s on create and on edit, storing nothing',
    async (key) => {
      // Parsed from text, as the server sees it: an object literal would set the prototype instead.
      const fields = JSON.parse(`{"${key}": {"budget": 1}, "budget": 100}`) as Record<string, unknown>;
      const refused = await create(fields);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.issues).toEqual([
        { path: `fields.${key}`, message: `"${key}" cannot be a field name` },
      ]);

      const card = (await create({ budget: 100 })).body;
      const edit = await t.call('PATCH', `/api/tasks/${card.id}`, {
        cookie: zhao,
        body: { expectedVersion: card.version, fields },
      });
      expect(edit.status).toBe(400);
      expect((await edit.json()).error.details.issues).toEqual([
        { path: `fields.${key}`, message: `"${key}" cannot be a field name` },
      ]);
      expect(await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: zhao })).json()).toMatchObject({
        version: card.version,
        fields: { budget: 100 },
      });
    },
  );

  it('checks an edit against the same limits and leaves the card as it was', async () => {
    const card = (await create({ budget: 100 })).body;
    const edit = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: zhao,
      body: { expectedVersion: card.version, fields: { budget: 50000.01 } },
    });
    expect(edit.status).toBe(400);
    const now = await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: zhao })).json();
    expect(now).toMatchObject({ version: card.version, fields: { budget: 100 } });
  });
});
