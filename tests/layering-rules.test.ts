// The layering rules (.dependency-cruiser.cjs) refuse what they say they refuse: dependency-cruiser run
// with them on a small tree that breaks each rule once reports each break, and nothing on the fixed tree.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..');
const cli = path.join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Writes `files` into a fresh folder and cruises it with the repository's rules. */
async function violationsOf(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'layers-'));
  folders.push(dir);
  const all = {
    ...files,
    'package.json': JSON.stringify({
      type: 'module',
      imports: { '#plugin-api': './core/plugins/api.ts', '#plugin-ui': './ui/src/plugins/api.ts' },
    }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        allowImportingTsExtensions: true,
        noEmit: true,
      },
    }),
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const run = await promisify(execFile)(
    process.execPath,
    [cli, 'core', 'plugins', '--config', path.join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json'],
    { cwd: dir },
  ).catch((failed: { stdout: string }) => failed);
  const violations = (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
  return violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`).sort();
}

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('the layering rules', () => {
  it('report a cycle, an import of the root, db reaching the domain, domain reaching http, and a plugin going around #plugin-api', async () => {
    const violations = await violationsOf({
      'core/main.ts': "import './compose.ts';\nimport './http/app.ts';\n",
      'core/compose.ts': "import './org/org.service.ts';\n",
      'core/plugins/api.ts': 'export const definePlugin = 1;\n',
      'core/http/app.ts': "import '../org/org.service.ts';\n",
      'core/db/schema.ts': "import type { Org } from '../org/org.service.ts';\nexport type Row = Org;\n",
      'core/org/org.service.ts':
        "import '../compose.ts';\nimport '../http/app.ts';\nimport './model.ts';\nexport type Org = 1;\n",
      'core/org/model.ts': "import './org.service.ts';\n",
      'plugins/shop/index.ts':
        "import '#plugin-api';\nimport '../../core/org/model.ts';\nimport '../../core/plugins/api.ts';\n",
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        'composition-root-imported-by-none: core/org/org.service.ts → core/compose.ts',
        'db-below-the-domain: core/db/schema.ts → core/org/org.service.ts',
        'domain-below-http: core/org/org.service.ts → core/http/app.ts',
        'plugins-import-plugin-api-by-name: plugins/shop/index.ts → core/plugins/api.ts',
        'plugins-use-only-plugin-api: plugins/shop/index.ts → core/org/model.ts',
        expect.stringMatching(/^no-circular: core\/org\/(model|org\.service)\.ts → /),
      ]),
    );
  });

  it('keep a plugin manifest free of the UI: only its UI module (ui.tsx, ui/) imports #plugin-ui', async () => {
    const violations = await violationsOf({
      'core/plugins/api.ts': 'export const definePlugin = 1;\n',
      'ui/src/plugins/api.ts': 'export const definePluginUi = 1;\n',
      'plugins/shop/index.ts': "import '#plugin-api';\nimport './ui.tsx';\n",
      'plugins/shop/ui.tsx': "import '#plugin-ui';\n",
      'plugins/depot/index.ts': "import '#plugin-ui';\n",
      'plugins/depot/ui/index.tsx': "import '#plugin-ui';\nimport '../../../ui/src/plugins/api.ts';\n",
    });
    expect(violations).toEqual([
      'plugin-manifest-without-ui: plugins/depot/index.ts → ui/src/plugins/api.ts',
      'plugin-manifest-without-ui: plugins/shop/index.ts → plugins/shop/ui.tsx',
      'plugins-import-plugin-api-by-name: plugins/depot/ui/index.tsx → ui/src/plugins/api.ts',
    ]);
  });

  it('accept the same modules once each depends downward only', async () => {
    const violations = await violationsOf({
      'core/main.ts': "import './compose.ts';\n",
      'core/compose.ts': "import './http/app.ts';\nimport './org/org.service.ts';\n",
      'core/plugins/api.ts': 'export const definePlugin = 1;\n',
      'core/http/app.ts': "import '../org/org.service.ts';\n",
      'core/db/schema.ts': 'export type Row = 1;\n',
      'core/org/org.service.ts':
        "import type { Row } from '../db/schema.ts';\nimport './model.ts';\nexport type Org = Row;\n",
      'core/org/model.ts': 'export const model = 1;\n',
      'plugins/shop/index.ts': "import '#plugin-api';\n",
    });
    expect(violations).toEqual([]);
  });
});
