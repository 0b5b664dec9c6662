// The roles loader against a corpus of invalid files (one problem each, the expected first error
// written in the file's first line), the valid examples, and folder-level merging.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coreCatalogue } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { ORG_ERROR_KINDS, type OrgError } from '../core/org/org-error.ts';
import { readRoleSources } from '../core/org/read-sources.ts';
import { demoCatalogue } from './helpers/demo-catalogue.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = path.join(root, 'tests/fixtures/roles-invalid');
const EXPECT_LINE = /^# expect: ([a-z_]+) (\d+):(\d+)(?: suggestion=(\S+))?$/;

interface Fixture {
  name: string;
  text: string;
  kind: string;
  line: number;
  column: number;
  suggestion?: string;
}

const fixtures: Fixture[] = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => {
    const text = readFileSync(path.join(corpusDir, name), 'utf8');
    const match = EXPECT_LINE.exec(text.split('\n')[0] ?? '');
    if (!match)
      throw new Error(`${name}: the first line must be "# expect: <kind> <line>:<column>[ suggestion=<text>]"`);
    const [, kind, line, column, suggestion] = match;
    return {
      name,
      text,
      kind: kind!,
      line: Number(line),
      column: Number(column),
      ...(suggestion ? { suggestion } : {}),
    };
  });

function load(sources: { name: string; text: string }[]) {
  return loadOrg(sources, coreCatalogue());
}

function expectWellFormed(errors: OrgError[], files: string[]) {
  for (const error of errors) {
    expect(files).toContain(error.file);
    expect(ORG_ERROR_KINDS).toContain(error.kind);
    expect(typeof error.message).toBe('string');
    expect(error.message.trim()).not.toBe('');
    expect(typeof error.path).toBe('string');
    expect(Number.isInteger(error.line) && error.line >= 1).toBe(true);
    expect(Number.isInteger(error.column) && error.column >= 1).toBe(true);
  }
}

describe('invalid roles files', () => {
  it('the corpus has at least 40 files and covers every error kind', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(new Set(fixtures.map((fixture) => fixture.kind))).toEqual(new Set(ORG_ERROR_KINDS));
    for (const fixture of fixtures) expect(fixture.name).toMatch(/^\d{2,3}-[a-z0-9-]+\.yaml$/);
  });

  it.each(fixtures)('$name: first error is $kind at $line:$column', (fixture) => {
    const result = load([{ name: fixture.name, text: fixture.text }]);
    expect(result.ok).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
    expectWellFormed(result.errors, [fixture.name]);
    const [first] = result.errors;
    expect({ kind: first!.kind, line: first!.line, column: first!.column }).toEqual({
      kind: fixture.kind,
      line: fixture.line,
      column: fixture.column,
    });
    if (fixture.suggestion !== undefined) expect(first!.suggestion).toBe(fixture.suggestion);
  });
});

describe('valid roles', () => {
  it('the roles/ folder loads with no errors, with the plugins loaded by default', () => {
    const sources = readRoleSources(path.join(root, 'roles'));
    expect(sources.length).toBeGreaterThan(1);
    const result = loadOrg(sources, demoCatalogue());
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(['three-person-shop.yaml', 'eight-person-team.yaml', 'ecommerce-department.yaml'])(
    'roles/examples/%s loads with no errors',
    (file) => {
      const result = load(readRoleSources(path.join(root, 'roles/examples', file)));
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.definition.roles.length).toBeGreaterThan(0);
    },
  );
});

describe('error collection', () => {
  it('collects every error, not just the first', () => {
    const text = [
      'version: 2', // 1: wrong version
      'organization:',
      '  id: tiny-shop',
      '  name: Tiny shop',
      '  timezone: Mars/Olympus', // 5: not an IANA zone
      'roles:',
      '  - id: boss',
      '    name: Boss',
      '    headcount: -1', // 9: below the minimum
      '',
    ].join('\n');
    const result = load([{ name: 'three-problems.yaml', text }]);
    expect(result.ok).toBe(false);
    expectWellFormed(result.errors, ['three-problems.yaml']);
    expect(result.errors.map(({ kind, line, column, path }) => ({ kind, line, column, path }))).toEqual([
      { kind: 'schema', line: 1, column: 10, path: 'version' },
      { kind: 'schema', line: 5, column: 13, path: 'organization.timezone' },
      { kind: 'schema', line: 9, column: 16, path: 'roles[0].headcount' },
    ]);
  });

  it('collects errors of different kinds from the same stage together', () => {
    const text = [
      'version: 1',
      'organization:',
      '  id: tiny-shop',
      '  name: Tiny shop',
      'roles:',
      '  - id: boss',
      '    name: Boss',
      '    report_to: nobody', // 8: unknown key
      '    can: [tasks]', // 9: not a permission name
      '',
    ].join('\n');
    const result = load([{ name: 'two-problems.yaml', text }]);
    expect(result.errors.map(({ kind, line, suggestion }) => ({ kind, line, suggestion }))).toEqual([
      { kind: 'unknown_key', line: 8, suggestion: 'reports_to' },
      { kind: 'schema', line: 9, suggestion: undefined },
    ]);
  });
});

describe('a folder of roles files', () => {
  const org = (id: string) => `version: 1\norganization:\n  id: ${id}\n  name: Shop ${id}\n`;

  it('refuses a second file that also defines the organization, pointing at the second file', () => {
    const sources = [
      { name: 'b-sales.yaml', text: `${org('second')}roles:\n  - {id: clerk, name: Clerk, reports_to: boss}\n` },
      { name: 'a-org.yaml', text: `${org('first')}roles:\n  - {id: boss, name: Boss}\n` },
    ];
    const result = load(sources);
    expect(result.ok).toBe(false);
    expectWellFormed(result.errors, ['a-org.yaml', 'b-sales.yaml']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      kind: 'duplicate_id',
      file: 'b-sales.yaml',
      line: 3,
      column: 3,
      path: 'organization',
    });
    expect(result.errors[0]!.message).toContain('a-org.yaml');
  });

  it('refuses a role id defined in two files, naming the other file', () => {
    const sources = [
      {
        name: 'org.yaml',
        text: `${org('shop')}roles:\n  - {id: boss, name: Boss}\n  - {id: clerk, name: Clerk, reports_to: boss}\n`,
      },
      {
        name: 'warehouse.yaml',
        text: 'version: 1\nroles:\n  - id: picker\n    name: Picker\n    reports_to: boss\n  - id: clerk\n    name: Warehouse clerk\n',
      },
    ];
    const result = load(sources);
    expect(result.ok).toBe(false);
    expectWellFormed(result.errors, ['org.yaml', 'warehouse.yaml']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      kind: 'duplicate_id',
      file: 'warehouse.yaml',
      line: 6,
      column: 9,
      path: 'roles[1].id',
    });
    expect(result.errors[0]!.message).toContain('"clerk"');
    expect(result.errors[0]!.message).toContain('org.yaml');
  });

  it('refuses a policy set in two files', () => {
    const sources = [
      { name: 'org.yaml', text: `${org('shop')}policies:\n  max_refund: 200\nroles:\n  - {id: boss, name: Boss}\n` },
      { name: 'finance.yaml', text: 'version: 1\npolicies:\n  max_refund: 500\n' },
    ];
    const result = load(sources);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ kind: 'duplicate_id', file: 'org.yaml', path: 'policies.max_refund' });
    expect(result.errors[0]!.message).toContain('finance.yaml');
  });

  it('resolves references across files and merges them into one organisation', () => {
    const sources = [
      {
        name: 'org.yaml',
        text: `${org('shop')}departments:\n  - {id: stock, name: Stock, head: picker}\nroles:\n  - {id: boss, name: Boss}\n`,
      },
      {
        name: 'stock.yaml',
        text: 'version: 1\nroles:\n  - {id: picker, name: Picker, department: stock, reports_to: boss}\n',
      },
    ];
    const result = load(sources);
    expect(result.errors).toEqual([]);
    if (!result.ok) throw new Error('expected a valid organisation');
    expect(result.definition.roles.map((role) => role.id)).toEqual(['boss', 'picker']);
    expect(result.definition.departments.map((department) => department.head)).toEqual(['picker']);
  });

  it('reports a folder in which no file defines the organization', () => {
    const result = load([{ name: 'roles.yaml', text: 'version: 1\nroles:\n  - {id: boss, name: Boss}\n' }]);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ kind: 'schema', file: 'roles.yaml', path: 'organization' }),
    ]);
  });
});
