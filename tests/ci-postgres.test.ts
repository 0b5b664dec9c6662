// CI and PostgreSQL: a machine where PostgreSQL cannot be brought up fails the run; nothing is "skipped".
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** A loopback port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('CI on a machine without a reachable PostgreSQL', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('fails the PostgreSQL step when the server does not come up, instead of skipping it', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ci-pg-'));
    // A cluster whose start "succeeds" but which never listens: the step must notice and fail.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'pg_ctlcluster'), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(bin, 'pg_ctlcluster'), 0o755);
    mkdirSync(path.join(dir, 'etc', '16', 'main'), { recursive: true });
    writeFileSync(path.join(dir, 'etc', '16', 'main', 'pg_hba.conf'), 'local all all peer\n');

    const port = await freePort();
    const run = spawnSync('bash', ['.ci/postgres.sh'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        CI_PG_URL: `postgres://postgres@127.0.0.1:${port}/test`,
        PG_START_WAIT: '1',
        PG_ETC: path.join(dir, 'etc'),
      },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`not accepting connections at 127.0.0.1:${port}`);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/skipped/i);
    // The cluster it started is configured for the passwordless test URL.
    expect(readFileSync(path.join(dir, 'etc', '16', 'main', 'pg_hba.conf'), 'utf8')).toMatch(
      /^host all all 127\.0\.0\.1\/32 trust$/m,
    );
  });

  it('runs the PostgreSQL suites unconditionally in .ci/run', () => {
    const script = readFileSync('.ci/run', 'utf8');
    expect(script).not.toMatch(/skipped/i);
    expect(script).toMatch(/^ensure_postgres\nCI=1 TEST_DATABASE_URL=\$CI_PG_URL npm test$/m);
  });
});
