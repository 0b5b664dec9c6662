// Roles as code over HTTP, on every database: versions, dry runs, activation, conflicts, reverts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceFile } from '../core/org/yaml-source.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, demoRoles, type TestApp } from './helpers/test-app.ts';

const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';
const AGENT = 'cao.ying@demo.dutyboard.local';

/** The demo organisation with one file's text changed. */
function edit(file: string, change: (text: string) => string): SourceFile[] {
  return demoRoles().map((source) => (source.name === file ? { ...source, text: change(source.text) } : source));
}

describe.each(testDatabases)('organisation API on $kind', (database) => {
  let t: TestApp;
  let director: string;

  beforeAll(async () => {
    t = await createTestApp(database);
    director = await t.signIn(DIRECTOR);
  });
  afterAll(() => t.dispose());

  const activeVersion = async () =>
    ((await (await t.call('GET', '/api/org', { cookie: director })).json()) as { versionId: number }).versionId;

  it('serves the active organisation and its versions', async () => {
    const response = await t.call('GET', '/api/org', { cookie: director });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.organization.organization.id).toBe('yunshang-ops-center');
    expect(body.organization.roles.map((role: { id: string }) => role.id)).toContain('after-sales-agent');

    const versions = await (await t.call('GET', '/api/org/versions', { cookie: director })).json();
    expect(versions[0]).toMatchObject({ id: body.versionId, active: true, origin: 'roles-folder' });
    const detail = await (await t.call('GET', `/api/org/versions/${body.versionId}`, { cookie: director })).json();
    expect(detail.files.map((file: SourceFile) => file.name)).toContain('customer-service.yaml');
    expect(detail.diff.roles.added).toContain('store-manager');
  });

  it('dry-runs a change: diff and impact, nothing activated', async () => {
    const before = await activeVersion();
    const card = await t.services.tasks.create(null, {
      type: 'core.task',
      title: '大客户回访',
      assignTo: { roleId: 'vip-agent' },
    });
    // Drop the key-account agent role (the last role of the file) and its member's assignment.
    const files = edit('customer-service.yaml', (text) =>
      text.replace(/\n {2}- id: vip-agent[\s\S]*?(?=\nmembers:)/, '\n').replace('roles: [vip-agent]', 'roles: []'),
    );
    const response = await t.call('POST', '/api/org/validate', { cookie: director, body: { files } });
    const body = await response.json();
    expect(body.ok, JSON.stringify(body.errors?.slice(0, 3))).toBe(true);
    expect(body.diff.roles.removed).toEqual(['vip-agent']);
    expect(body.impact.heldRolesRemoved).toEqual([{ role: 'vip-agent', holders: 1 }]);
    expect(body.impact.rolesLosingCards).toEqual([{ role: 'vip-agent', openCards: 1, taskIds: [card.id] }]);
    expect(await activeVersion()).toBe(before);
  });

  it('lists the open cards a changed escalation watches', async () => {
    const card = await t.services.tasks.create(null, {
      type: 'after-sales.case',
      title: '索赔 ¥100',
      fields: { case_type: 'refund', claim_amount: 100, policy_covered: true },
      assignTo: { roleId: 'after-sales-agent' },
    });
    const files = edit('customer-service.yaml', (text) =>
      text.replace(/(id: claim-over-policy[\s\S]*?after: )PT4H/, '$1PT2H'),
    );
    const body = await (await t.call('POST', '/api/org/validate', { cookie: director, body: { files } })).json();
    expect(body.diff.escalations.changed).toEqual(['after-sales-agent/claim-over-policy']);
    expect(body.impact.escalations).toEqual([
      {
        escalation: 'after-sales-agent/claim-over-policy',
        change: 'changed',
        openCards: 1,
        taskIds: [card.id],
        wouldFireNow: [],
      },
    ]);

    // Lowering the claim limit below this card's claim makes the rule fire on it right away.
    const stricter = edit('org.yaml', (text) => text.replace('max_claim_cny: 200', 'max_claim_cny: 50'));
    const withRule = stricter.map((f) =>
      f.name === 'customer-service.yaml' ? files.find((g) => g.name === f.name)! : f,
    );
    const preview = await (
      await t.call('POST', '/api/org/validate', { cookie: director, body: { files: withRule } })
    ).json();
    expect(preview.impact.escalations).toEqual([
      expect.objectContaining({ escalation: 'after-sales-agent/claim-over-policy', wouldFireNow: [card.id] }),
    ]);
  });

  it('reports every error of an invalid file in one pass with file:line:column, and changes nothing', async () => {
    const before = await activeVersion();
    const files = edit('finance.yaml', (text) =>
      text.replace('reports_to: ops-director', 'reports_to: ops-directer').replace('can: [', 'cann: ['),
    );
    const dryRun = await (await t.call('POST', '/api/org/validate', { cookie: director, body: { files } })).json();
    expect(dryRun.ok).toBe(false);
    // The misspelt key does not hide the unknown role in the same role: both at once.
    expect(dryRun.errors).toEqual([
      expect.objectContaining({
        file: 'finance.yaml',
        kind: 'unresolved_ref',
        suggestion: 'ops-director',
        path: 'roles[0].reports_to',
        line: expect.any(Number),
        column: expect.any(Number),
      }),
      expect.objectContaining({
        file: 'finance.yaml',
        kind: 'unknown_key',
        suggestion: 'can',
        line: expect.any(Number),
        column: expect.any(Number),
      }),
    ]);

    const put = await t.call('PUT', '/api/org', { cookie: director, body: { baseVersionId: before, files } });
    expect(put.status).toBe(422);
    const { error } = await put.json();
    expect(error.code).toBe('ROLES_INVALID');
    expect(error.details.errors.map((e: { kind: string }) => e.kind)).toEqual(['unresolved_ref', 'unknown_key']);
    expect(await activeVersion()).toBe(before);
  });

  it('activates a change as a new version with its diff, and refuses a stale base with 409', async () => {
    const base = await activeVersion();
    const files = edit('org.yaml', (text) => text.replace('max_claim_cny: 200', 'max_claim_cny: 300'));
    const response = await t.call('PUT', '/api/org', { cookie: director, body: { baseVersionId: base, files } });
    expect(response.status).toBe(200);
    const activated = await response.json();
    expect(activated.versionId).toBeGreaterThan(base);
    expect(activated.diff.policies.changed).toEqual(['max_claim_cny']);
    expect(
      (await (await t.call('GET', '/api/org', { cookie: director })).json()).organization.policies.max_claim_cny,
    ).toBe(300);

    const stale = await t.call('PUT', '/api/org', {
      cookie: director,
      body: { baseVersionId: base, files: demoRoles() },
    });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toMatchObject({
      code: 'CONFLICT',
      details: { activeVersionId: activated.versionId },
    });
    expect(await activeVersion()).toBe(activated.versionId);
  });

  it('lets exactly one of two concurrent activations from the same base win', async () => {
    const base = await activeVersion();
    const a = edit('org.yaml', (text) => text.replace('max_discount_pct: 10', 'max_discount_pct: 11'));
    const b = edit('org.yaml', (text) => text.replace('max_discount_pct: 10', 'max_discount_pct: 12'));
    const results = await Promise.all(
      [a, b].map((files) => t.call('PUT', '/api/org', { cookie: director, body: { baseVersionId: base, files } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const versions = await (await t.call('GET', '/api/org/versions', { cookie: director })).json();
    expect(versions.filter((v: { previousId: number }) => v.previousId === base)).toHaveLength(1);
  });

  it('answers with an activation made here at once, even when a check of the active version was under way', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the quarter second a check is trusted
    const base = (await t.services.org.active()).versionId;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const checking = Array.from({ length: 5 }, () => t.services.org.active());
    const files = edit('org.yaml', (text) => text.replace('max_claim_cny: 200', 'max_claim_cny: 222'));
    const { versionId } = await t.services.org.activate(files, { baseVersionId: base, authorId: null, origin: 'api' });
    expect((await t.services.org.active()).versionId).toBe(versionId);
    expect(
      (await Promise.all(checking)).map((model) => model.versionId).every((id) => id === base || id === versionId),
    ).toBe(true);
    expect((await t.services.org.active()).versionId).toBe(versionId);
  });

  it('does not store a new version when nothing changed', async () => {
    const base = await activeVersion();
    const current = await (await t.call('GET', `/api/org/versions/${base}`, { cookie: director })).json();
    const response = await t.call('PUT', '/api/org', {
      cookie: director,
      body: { baseVersionId: base, files: current.files },
    });
    expect(await response.json()).toMatchObject({ versionId: base, unchanged: true });
  });

  it('reverts by activating an old version as a new one', async () => {
    const base = await activeVersion();
    const response = await t.call('POST', '/api/org/versions/1/revert', {
      cookie: director,
      body: { baseVersionId: base },
    });
    expect(response.status).toBe(200);
    const reverted = await response.json();
    expect(reverted.versionId).toBeGreaterThan(base);
    expect(await activeVersion()).toBe(reverted.versionId);
    const org = (await (await t.call('GET', '/api/org', { cookie: director })).json()).organization;
    expect(org.policies).toMatchObject({ max_claim_cny: 200, max_discount_pct: 10 });
    const versions = await (await t.call('GET', '/api/org/versions', { cookie: director })).json();
    expect(versions[0]).toMatchObject({ id: reverted.versionId, origin: 'revert', author: '陈志远' });
  });

  it('needs roles.edit to change the organisation', async () => {
    const agent = await t.signIn(AGENT);
    const base = await activeVersion();
    const response = await t.call('PUT', '/api/org', {
      cookie: agent,
      body: { baseVersionId: base, files: demoRoles() },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error.message).toMatch(/"roles\.edit" permission/);
  });

  it('publishes the JSON Schema of the format without sign-in', async () => {
    const response = await t.call('GET', '/api/org/schema');
    expect(response.status).toBe(200);
    const schema = await response.json();
    expect(schema.properties.roles.items.properties.reports_to).toBeDefined();
    expect(schema.additionalProperties).toBe(false);
  });
});
