// The roles validator reports every error it can in one pass: a file with schema errors still gives its
// valid parts to the reference, duplicate-id and rule checks, and what could not be read is never
// reported as missing. Each fixture lists every error it must give (`# expect: kind line:col`).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coreCatalogue } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { suggest } from '../core/org/suggest.ts';
import { allowedOperations } from '../core/rules/json-logic.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/roles-one-pass');
const EXPECT_LINE = /^# expect: ([a-z_]+) (\d+):(\d+)(?: suggestion=(\S+))?$/;

function expected(name: string) {
  const text = readFileSync(path.join(dir, name), 'utf8');
  const errors = text.split('\n').flatMap((line) => {
    const match = EXPECT_LINE.exec(line);
    if (!match) return [];
    const [, kind, row, column, suggestion] = match;
    return [{ file: name, kind, line: Number(row), column: Number(column), ...(suggestion ? { suggestion } : {}) }];
  });
  return { text, errors };
}

const found = (files: string[]) =>
  loadOrg(
    files.map((name) => ({ name, text: expected(name).text })),
    coreCatalogue(),
  ).errors.map(({ file, kind, line, column, suggestion }) => ({
    file,
    kind,
    line,
    column,
    ...(suggestion ? { suggestion } : {}),
  }));

const single = readdirSync(dir)
  .filter((name) => name.endsWith('.yaml') && !name.startsWith('folder-'))
  .sort();

describe('one pass over roles files with several errors', () => {
  it.each(single)('%s gives every error it lists, and no other', (name) => {
    const { errors } = expected(name);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(found([name])).toEqual(errors);
  });

  it('a folder with one unreadable file still checks the other file, without reporting references into the unreadable one', () => {
    const files = ['folder-a-unreadable.yaml', 'folder-b-references.yaml'];
    expect(found(files)).toEqual(files.flatMap((name) => expected(name).errors));
  });
});

describe('did you mean, for operations', () => {
  it.each([
    ['vr', 'var'],
    ['va', 'var'],
    ['fiter', 'filter'],
    ['nad', 'and'],
    ['mising', 'missing'],
    ['redcue', 'reduce'],
  ])('%s suggests %s', (typed, meant) => {
    expect(suggest(typed, allowedOperations())).toBe(meant);
  });
});
