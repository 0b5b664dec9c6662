// The UI's message catalogue against the server: every error code, every reason a refusal can give and
// every core permission has a message in zh-CN and English, and both languages fill the same blanks.
// The codes and reasons are read from the server's own code, so a new one fails here until it is said.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_PERMISSIONS } from '../core/auth/permissions.ts';
import { ERROR_CODES } from '../core/errors.ts';
import { en } from '../ui/src/i18n/en.ts';
import { zhCN } from '../ui/src/i18n/zh-CN.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return file.endsWith('.ts') && !file.endsWith('.test.ts') ? [file] : [];
  });
}

/** Every `reason: 'x'` a refusal can carry, and every member of a `…Reason` union type, in core/. */
function serverReasons(): string[] {
  const reasons = new Set<string>();
  for (const file of sources('core')) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\breason: '([a-z][a-z_]*)'\s*[,}]/g)) reasons.add(match[1]!);
    for (const union of text.matchAll(/export type \w*Reason = ([^;]+);/g))
      for (const member of union[1]!.matchAll(/'([a-z][a-z_]*)'/g)) reasons.add(member[1]!);
  }
  return [...reasons].sort();
}

const blanks = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the UI message catalogue', () => {
  it('has a message in both languages for every error code the server can send', () => {
    const missing = Object.keys(ERROR_CODES).filter(
      (code) => !(`error.${code}` in en) || !zhCN[`error.${code}` as keyof typeof en],
    );
    expect(missing).toEqual([]);
  });

  it('has a message in both languages for every reason a refused change can give', () => {
    const reasons = serverReasons();
    expect(reasons).toEqual(
      expect.arrayContaining(['guard', 'missing_fields', 'no_transition', 'permission', 'wip_limit']),
    );
    expect(
      reasons.filter((reason) => !(`reason.${reason}` in en) || !zhCN[`reason.${reason}` as keyof typeof en]),
    ).toEqual([]);
  });

  it('names every core permission in both languages', () => {
    expect(Object.keys(CORE_PERMISSIONS).filter((p) => !(`permission.${p}` in en))).toEqual([]);
  });

  it('has every English message in zh-CN, with the same blanks to fill', () => {
    for (const [key, text] of Object.entries(en)) {
      const zh = zhCN[key as keyof typeof en];
      expect(zh, key).toBeTruthy();
      expect(blanks(zh), key).toEqual(blanks(text));
    }
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });
});
