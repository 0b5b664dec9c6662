// The organisation charts the documents draw, as the roles folder and examples load them: the demo's
// planning group (企划 / 策划组), distribution (分销部), group-buy (聚划算), technical support and member
// management roles with their reporting lines, duties and members; its four CS agents (seed 003: 销售主管 1,
// 客服 4); and seed 002's e-commerce department under a general manager, an example organisation.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { coreCatalogue } from '../core/org/catalogue.ts';
import type { OrgDefinition } from '../core/org/format.schema.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { readRoleSources } from '../core/org/read-sources.ts';
import { demoCatalogue } from './helpers/demo-catalogue.ts';

function definitionOf(folder: string, catalogue = demoCatalogue()): OrgDefinition {
  const result = loadOrg(readRoleSources(folder), catalogue);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

const CHINESE_NAME = /^[\u4e00-\u9fff]{2,3}$/;

/** Who a role reports to, its department's head, its scheduled duties' cadences and its members. */
function chartOf(definition: OrgDefinition, roleId: string) {
  const role = definition.roles.find((candidate) => candidate.id === roleId);
  if (!role) throw new Error(`no role ${roleId}`);
  return {
    reportsTo: role.reports_to ?? null,
    department: role.department,
    head: definition.departments.find((department) => department.id === role.department)?.head,
    cadences: role.duties.filter((duty) => duty.every !== undefined).map((duty) => `${duty.id}: ${duty.every}`),
    kpis: role.kpis.map((kpi) => kpi.id),
    members: definition.members.filter((member) => member.roles.includes(roleId)),
  };
}

describe('the demo organisation (roles/)', () => {
  const demo = definitionOf('roles');

  it.each([
    ['planning-lead', 'ops-director', 'planning', ['planning-monthly-proposal: month']],
    ['planner', 'planning-lead', 'planning', ['planner-weekly-review: week']],
    ['distribution-lead', 'ops-director', 'distribution', ['dist-monthly-report: month']],
    ['distribution-specialist', 'distribution-lead', 'distribution', ['dist-weekly-stock-check: week']],
    ['group-buy-specialist', 'ops-director', 'group-buy', ['gb-weekly-slots: week']],
    [
      'tech-support-engineer',
      'ops-director',
      'tech-support',
      ['tech-morning-check: 30 8 * * 1-5', 'tech-access-review: quarter'],
    ],
    [
      'member-manager',
      'cs-manager',
      'customer-service',
      ['member-repurchase-analysis: month', 'member-returning-offer: month'],
    ],
  ])(
    'has %s reporting to %s in %s, with its recurring duties, a KPI and a member',
    (roleId, boss, department, cadences) => {
      const chart = chartOf(demo, roleId);
      expect(chart).toMatchObject({ reportsTo: boss, department, cadences });
      expect(chart.kpis.length).toBeGreaterThan(0);
      expect(chart.members.length).toBe(1);
      for (const member of chart.members) {
        expect(member.name).toMatch(CHINESE_NAME);
        expect(member.email).toMatch(/@demo\.dutyboard\.local$/);
      }
    },
  );

  it('heads the new departments with their leads, each answering to the operations director', () => {
    for (const [department, head] of [
      ['planning', 'planning-lead'],
      ['distribution', 'distribution-lead'],
      ['group-buy', 'group-buy-specialist'],
      ['tech-support', 'tech-support-engineer'],
    ])
      expect(chartOf(demo, head!)).toMatchObject({ department, head, reportsTo: 'ops-director' });
  });

  it('has four CS agents (2 pre-sales, 2 after-sales) under the CS manager, as seed 003 staffs 客服 4人', () => {
    const agents = ['pre-sales-agent', 'after-sales-agent'].flatMap((roleId) => chartOf(demo, roleId).members);
    expect(agents.map((member) => member.name)).toHaveLength(4);
    for (const roleId of ['pre-sales-agent', 'after-sales-agent'])
      expect(chartOf(demo, roleId)).toMatchObject({ reportsTo: 'cs-manager', head: 'cs-manager' });
  });

  // Disabling someone, resetting their password or changing their roles needs every permission they hold,
  // so the top role must hold each one a role grants, plugins' included, or some staff are beyond anyone.
  it('lets the operations director manage everyone: it holds every permission any role grants', () => {
    const names = (role: OrgDefinition['roles'][number]) =>
      role.can.map((grant) => (typeof grant === 'string' ? grant : grant.permission));
    const granted = new Set(demo.roles.flatMap(names));
    const director = new Set(names(demo.roles.find((role) => role.id === 'ops-director')!));
    expect([...granted].filter((permission) => !director.has(permission))).toEqual([]);
  });

  it('gives every member a Chinese name and a demo address, no address twice', () => {
    for (const member of demo.members) {
      expect(member.name, member.email).toMatch(CHINESE_NAME);
      expect(member.email).toMatch(/^[a-z]+\.[a-z]+@demo\.dutyboard\.local$/);
    }
    expect(new Set(demo.members.map((member) => member.email)).size).toBe(demo.members.length);
  });
});

describe("seed 002's e-commerce department (roles/examples/ecommerce-department.yaml)", () => {
  const example = definitionOf(path.join('roles/examples/ecommerce-department.yaml'), coreCatalogue());

  it("puts the head of e-commerce under the general manager, and the manual's eight posts under the head", () => {
    expect(chartOf(example, 'ecommerce-head')).toMatchObject({ reportsTo: 'general-manager', head: 'ecommerce-head' });
    expect(chartOf(example, 'general-manager').reportsTo).toBeNull();
    // 直接下属:营销策划助理、订单处理、库存管理、售前客服、售后客服、外联推广人员(客户管理)、线下销售、发货人员(揀货员)
    const posts = example.roles.filter((role) => role.reports_to === 'ecommerce-head').map((role) => role.id);
    expect(posts).toEqual(
      expect.arrayContaining([
        'marketing-assistant',
        'order-processor',
        'inventory-keeper',
        'pre-sales-agent',
        'after-sales-agent',
        'outreach-promoter',
        'offline-sales',
        'picker-shipper',
        'designer-photographer', // 美工及摄影师 (外包) also reports to the head
      ]),
    );
    expect(posts).toHaveLength(9);
  });

  it('staffs every post and sends a late department report to the general manager', () => {
    for (const role of example.roles) expect(chartOf(example, role.id).members.length, role.id).toBeGreaterThan(0);
    const head = example.roles.find((role) => role.id === 'ecommerce-head')!;
    expect(head.escalations.map((rule) => [rule.id, rule.levels?.[0]?.to])).toEqual([
      ['team-report-late', 'reports_to'],
    ]);
  });
});
