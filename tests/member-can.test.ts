// Issue 16: organization.member_can in the roles loader, the JSON Schema and the diff.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMBER_CAN, POWERFUL_CORE_PERMISSIONS } from '../core/auth/permissions.ts';
import { coreCatalogue } from '../core/org/catalogue.ts';
import { diffOrgs, formatDiff } from '../core/org/diff.ts';
import { roleFileJsonSchema, type OrgDefinition } from '../core/org/format.schema.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { OrgModel } from '../core/org/org-model.ts';

const file = (memberCan?: string) => `
version: 1
organization:
  id: shop
  name: Shop
${memberCan === undefined ? '' : `  member_can: ${memberCan}\n`}departments: [{id: sales, name: Sales}]
roles:
  - {id: boss, name: Boss, department: sales, can: [roles.edit]}
  - {id: clerk, name: Clerk, department: sales, reports_to: boss}
`;

const load = (memberCan?: string) => loadOrg([{ name: 'shop.yaml', text: file(memberCan) }], coreCatalogue());
function definition(memberCan?: string): OrgDefinition {
  const result = load(memberCan);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.definition;
}
const permissions = (memberCan: string | undefined, roles: string[]) =>
  [...new OrgModel(1, definition(memberCan), coreCatalogue()).permissionsOf(roles)].sort();

describe('organization.member_can', () => {
  it('defaults, when absent, to the ordinary work of a team board', () => {
    expect([...DEFAULT_MEMBER_CAN].sort()).toEqual([
      'boards.view',
      'kpis.view',
      'org.view',
      'tasks.create',
      'tasks.edit',
      'tasks.move',
    ]);
    expect(permissions(undefined, ['clerk'])).toEqual([...DEFAULT_MEMBER_CAN].sort());
    expect(permissions(undefined, ['boss'])).toEqual([...DEFAULT_MEMBER_CAN, 'roles.edit'].sort());
  });

  it('is held by a person with no role at all, and [] means nothing by default', () => {
    expect(permissions(undefined, [])).toEqual([...DEFAULT_MEMBER_CAN].sort());
    expect(permissions('[]', ['clerk'])).toEqual([]);
    expect(permissions('[]', ['boss'])).toEqual(['roles.edit']);
    expect(permissions('[boards.view]', ['clerk'])).toEqual(['boards.view']);
  });

  it.each([...POWERFUL_CORE_PERMISSIONS])(
    'refuses the powerful %s unless the file acknowledges that everyone gets it',
    (permission) => {
      const refused = load(`[boards.view, ${permission}]`);
      expect(refused.ok).toBe(false);
      expect(refused.errors).toEqual([
        expect.objectContaining({ kind: 'schema', line: 6, column: 29, path: 'organization.member_can[1]' }),
      ]);
      expect(refused.errors[0]!.message).toContain(`i_understand_everyone_gets_this: true`);
      const accepted = `[boards.view, {permission: ${permission}, i_understand_everyone_gets_this: true}]`;
      expect(load(accepted).ok).toBe(true);
      expect(permissions(accepted, ['clerk'])).toEqual(['boards.view', permission].sort());
    },
  );

  it('is never satisfied by a role listing a powerful permission: a role may hold it without acknowledgement', () => {
    expect(load('[org.view]').ok).toBe(true);
    expect(permissions('[org.view]', ['boss'])).toEqual(['org.view', 'roles.edit']);
  });

  it('is in the published JSON Schema, with the acknowledgement key', () => {
    const schema = JSON.stringify(roleFileJsonSchema());
    expect(schema).toContain('"member_can"');
    expect(schema).toContain('"i_understand_everyone_gets_this"');
  });
});

describe('roles diff and member_can', () => {
  it('shows permissions added to, removed from and rescoped in member_can, once each', () => {
    const before = definition('[org.view, boards.view, tasks.edit]');
    const after = definition(
      '[org.view, {permission: tasks.edit, departments: [own]}, {permission: tasks.assign, i_understand_everyone_gets_this: true}]',
    );
    const diff = diffOrgs(before, after);
    expect(diff.member_can).toEqual({ added: ['tasks.assign'], removed: ['boards.view'], changed: ['tasks.edit'] });
    expect(diff.organization.changed).toEqual([]);
    expect(formatDiff(diff).split('\n')).toEqual([
      '+ member_can tasks.assign',
      '- member_can boards.view',
      '~ member_can tasks.edit',
    ]);
  });

  it('counts writing out the default as no change, and removing it as removing every default', () => {
    const absent = definition();
    expect(formatDiff(diffOrgs(absent, definition(`[${DEFAULT_MEMBER_CAN.join(', ')}]`)))).toBe('no changes');
    expect(diffOrgs(absent, definition('[]')).member_can.removed.sort()).toEqual([...DEFAULT_MEMBER_CAN].sort());
  });
});
