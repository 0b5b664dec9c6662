// The real process: config errors exit 2, it starts on either database, survives SIGKILL, stops cleanly.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from './helpers/databases.ts';
import { runToExit, startServer } from './helpers/server-process.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-process-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function health(url: string) {
  const response = await fetch(`${url}/api/health`);
  return { status: response.status, body: await response.json() };
}

describe('configuration errors', () => {
  it('exits 2 with one line naming the variable and the fix', async () => {
    const result = await runToExit({ PORT: 'abc', DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^dutyboard: Invalid PORT \(got "abc"\).*Fix: set PORT/)]);
  });

  it('exits 2 naming host and port when DATABASE_URL cannot be reached, and points to the embedded database', async () => {
    const result = await runToExit({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:1 .*ECONNREFUSED/);
    expect(result.stderr).toMatch(/leave DATABASE_URL unset to use the embedded database/);
  });
});

describe('the server on the embedded database', () => {
  it('starts, restarts on the same data, keeps committed data after SIGKILL, and stops on SIGTERM', async () => {
    const first = await startServer({ DATA_DIR: dataDir });
    const before = await health(first.url);
    expect(before).toMatchObject({ status: 200, body: { status: 'ok', database: 'pglite' } });
    expect((await first.stop('SIGKILL')).code).toBe(null);

    const second = await startServer({ DATA_DIR: dataDir });
    const after = await health(second.url);
    expect(after.body.instanceId).toBe(before.body.instanceId);
    expect(after.body.schemaVersion).toBe(before.body.schemaVersion);
    expect(second.output()).toMatch(/"schemaVersion":"0001_instance"/);

    const stopped = await second.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);
    expect(second.output()).toMatch(/"msg":"stopped"/);
  });
});

// Defined only where a server is configured, so a run without one reports no skipped test.
if (TEST_DATABASE_URL) describe('the server on PostgreSQL', () => {
  it('answers health with database "postgres" and stops on SIGINT', async () => {
    const server = await startServer({ DATABASE_URL: TEST_DATABASE_URL! });
    expect(await health(server.url)).toMatchObject({ status: 200, body: { status: 'ok', database: 'postgres' } });
    const stopped = await server.stop('SIGINT');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);
  });
});