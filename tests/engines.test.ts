// The Node versions package.json declares are true: every installed package accepts each of them
// (kysely 0.29 declares Node ≥ 22, which is why we stay on 0.28: see README, Setup).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Version = [number, number, number];

function parse(text: string): Version {
  const parts = text
    .replace(/^v/, '')
    .split('.')
    .map((part) => (part === 'x' || part === '' ? 0 : Number(part)));
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** npm's engine ranges as the lock file holds them: `*`, `>=x`, `^x`, `x`, joined by `||` or spaces. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|<|>|\^)\s+/g, '$1')
      .split(/\s+/);
    return comparators.every((comparator) => {
      if (comparator === '*' || comparator === '') return true;
      const [, operator = '', bound = ''] = /^(>=|<=|<|>|\^)?(.*)$/.exec(comparator)!;
      const floor = parse(bound);
      if (operator === '>=') return compare(version, floor) >= 0;
      if (operator === '>') return compare(version, floor) > 0;
      if (operator === '<') return compare(version, floor) < 0;
      if (operator === '<=') return compare(version, floor) <= 0;
      if (operator === '^') return compare(version, floor) >= 0 && version[0] === floor[0];
      return compare(version, floor) === 0;
    });
  });
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } }>;
};
const declared = manifest.engines.node;
const dependencyRanges = Object.entries(lock.packages)
  // What npm installed here (platform builds for other machines, e.g. WebAssembly fallbacks, are not).
  .filter(([name, entry]) => name !== '' && entry.engines?.node && existsSync(name))
  .map(([name, entry]) => ({ name: name.replace(/^.*node_modules\//, ''), range: entry.engines!.node! }));
/** The oldest version of each range package.json accepts (e.g. 20.19.0 of ^20.19.0). */
const oldestDeclared = declared.split('||').map((alternative) => parse(alternative.trim().replace(/^(>=|\^)\s*/, '')));

describe('engines', () => {
  it('declares Node versions every dependency accepts, down to the oldest declared', () => {
    expect(oldestDeclared.length).toBeGreaterThan(0);
    for (const version of oldestDeclared) {
      const refusing = dependencyRanges.filter(({ range }) => !satisfies(version, range));
      expect(refusing, `Node ${version.join('.')} is declared but refused by`).toEqual([]);
    }
  });

  it('accepts the Node this machine runs, as do all dependencies', () => {
    const running = parse(process.versions.node);
    expect(satisfies(running, declared)).toBe(true);
    expect(dependencyRanges.filter(({ range }) => !satisfies(running, range))).toEqual([]);
  });

  it('reads ranges the way npm does', () => {
    expect(satisfies(parse('20.20.2'), '>=22.0.0')).toBe(false);
    expect(satisfies(parse('20.20.2'), '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies(parse('21.0.0'), '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(false);
    expect(satisfies(parse('16.1.0'), '>= 10.x')).toBe(true);
    expect(satisfies(parse('12.0.0'), '*')).toBe(true);
  });
});
