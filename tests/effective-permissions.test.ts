// Issue 16: the demo and example organisations dropped the permissions they repeated on every role
// (now member_can's default); what each role may do is what it was. The fixtures were computed on main
// at 318239e, before the change, with OrgModel.permissionsOf([role]). Issue 12 item 6 then scoped the
// demo's approval and editing to departments on purpose: the names held stay the same, and the scopes
// are exactly the ones listed below.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoCatalogue } from './helpers/demo-catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { describeGrant } from '../core/org/grants.ts';
import { OrgModel } from '../core/org/org-model.ts';
import { readRoleSources } from '../core/org/read-sources.ts';

const organisations = [
  { name: 'the demo organisation (roles/)', target: 'roles', before: 'effective-permissions.main.json' },
  {
    name: 'the three-person shop',
    target: 'roles/examples/three-person-shop.yaml',
    before: 'effective-permissions.three-person-shop.main.json',
  },
  {
    name: 'the eight-person team',
    target: 'roles/examples/eight-person-team.yaml',
    before: 'effective-permissions.eight-person-team.main.json',
  },
];

const ADDED_TO_THE_DEMO = [
  'member-manager',
  'distribution-lead',
  'distribution-specialist',
  'group-buy-specialist',
  'planning-lead',
  'planner',
  'tech-support-engineer',
];

function modelOf(target: string): OrgModel {
  const result = loadOrg(readRoleSources(target), demoCatalogue());
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`).join('\n'));
  return new OrgModel(1, result.definition, demoCatalogue());
}

describe.each(organisations)('$name', ({ target, before }) => {
  const expected: Record<string, string[]> = JSON.parse(readFileSync(`tests/fixtures/${before}`, 'utf8'));
  const model = modelOf(target);

  it('gives every role the permissions it had before member_can', () => {
    const now = Object.fromEntries(
      model.definition.roles
        .filter((role) => role.id in expected)
        .map((role) => [role.id, [...model.permissionsOf([role.id])].sort()]),
    );
    expect(now).toEqual(expected);
    // Roles added since the fixture was taken (issue 15 completed the demo from the documents).
    const added = model.definition.roles.map((role) => role.id).filter((id) => !(id in expected));
    expect(added).toEqual(target === 'roles' ? ADDED_TO_THE_DEMO : []);
  });

  it('no longer repeats member_can in any role', () => {
    const repeated = model.definition.roles.flatMap((role) =>
      role.can
        .filter((entry) => typeof entry === 'string' && model.memberCan.includes(entry))
        .map((entry) => `${role.id}: ${String(entry)}`),
    );
    expect(repeated).toEqual([]);
  });
});

describe("the demo organisation's scopes (issue 12 item 6)", () => {
  const model = modelOf('roles');
  const scoped = (role: string) =>
    model
      .grantsOf([role])
      .map(describeGrant)
      .filter((text) => text.includes('('))
      .sort();

  it("scopes every member's editing, and each manager's approval, to their own department", () => {
    const managers = [
      'cs-manager',
      'data-analyst',
      'finance-lead',
      'hr-specialist',
      'warehouse-keeper',
      'product-manager',
      'promotion-lead',
      'ops-lead',
      'design-lead',
      'planning-lead',
      'distribution-lead',
    ];
    for (const role of managers) {
      const department = model.role(role)!.department!;
      expect(scoped(role), role).toEqual([
        `tasks.approve (departments ${department})`,
        `tasks.edit (departments ${department})`,
      ]);
    }
    expect(scoped('store-manager')).toEqual([
      'tasks.approve (departments store-operations)',
      'tasks.edit (departments store-operations)',
    ]);
    expect(model.grantsOf(['store-manager']).map(describeGrant)).toContain('after-sales.approve');
    expect(scoped('after-sales-agent')).toEqual(['tasks.edit (departments customer-service)']);
  });

  it('keeps the operations director organisation-wide', () => {
    const grants = model.grantsOf(['ops-director']).map(describeGrant);
    expect(grants).toEqual(
      expect.arrayContaining(['tasks.edit', 'tasks.approve', 'tasks.assign', 'people.manage', 'roles.edit']),
    );
  });
});
