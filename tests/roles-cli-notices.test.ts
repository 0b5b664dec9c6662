// `npm run roles -- validate` with the default plugins: a default escalation the organisation cannot
// staff is a notice naming plugin, escalation and what is missing (exit 0); an override naming a role the
// organisation lacks is an error at its own line (exit 1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const validate = (file: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'core/org/cli.ts', 'validate', file], {
    encoding: 'utf8',
    env: { ...process.env, PLUGINS: './plugins/after-sales' },
  });

describe('roles validate and the plugins’ default escalations', () => {
  it('tells a three-person shop which after-sales defaults are inactive there, and why, and exits 0', () => {
    const run = validate('roles/examples/three-person-shop.yaml');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('roles/examples/three-person-shop.yaml: valid (1 departments, 4 roles)');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^notice: plugin "after-sales"'s escalation "claim-over-policy" is inactive here: it reads policy "max_claim_cny", which this organisation does not set; it reads policy "max_discount_pct", .*override it under a role/,
      ),
      expect.stringMatching(
        /^notice: plugin "after-sales"'s escalation "discount-over-policy" is inactive here: .*"max_discount_pct"/,
      ),
      expect.stringMatching(
        /^notice: plugin "after-sales"'s escalation "shipment-late-48h" is inactive here: it reads policy "ship_hard_limit_hours".*"ship_within_hours"/,
      ),
    ]);
  }, 60_000);

  it("refuses an override that sends a default to a role the organisation lacks, at the override's line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roles-cli-'));
    try {
      const file = path.join(dir, 'shop.yaml');
      const shop = readFileSync('roles/examples/three-person-shop.yaml', 'utf8');
      const override = shop.replace(
        '    escalations:\n      - id: cs-task-overdue',
        '    escalations:\n      - {id: shipment-late-24h, levels: [{after: PT0M, to: store-manager, then: [notify]}]}\n      - id: cs-task-overdue',
      );
      writeFileSync(file, override);
      const line = override.split('\n').findIndex((text) => text.includes('id: shipment-late-24h')) + 1;
      const run = validate(file);
      expect(run.status).toBe(1);
      // The CLI names the file relative to the working directory.
      expect(run.stdout).toContain(
        `shop.yaml:${line}:60 unresolved_ref roles[3].escalations[0].levels[0].to: unknown role (or reports_to / department_head) "store-manager"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
