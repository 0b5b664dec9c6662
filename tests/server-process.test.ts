// The real process: config errors exit 2, it starts on either database, survives SIGKILL, stops cleanly, and two processes share one PostgreSQL.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGINS } from '../core/config.ts';
import { coreMigrations } from '../migrations/index.ts';
import { TEST_DATABASE_URL } from './helpers/databases.ts';
import { connectLive } from './helpers/live-client.ts';
import { runToExit, startServer, type ServerProcess } from './helpers/server-process.ts';

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
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^dutyboard: Invalid PORT \(got "abc"\).*Fix: set PORT/),
    ]);
  });

  it('exits 2 naming host and port when DATABASE_URL cannot be reached, and points to the embedded database', async () => {
    const result = await runToExit({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:1 .*ECONNREFUSED/);
    expect(result.stderr).toMatch(/leave DATABASE_URL unset to use the embedded database/);
  });
});

describe('plugins at start', () => {
  it('exits 2 naming the plugin when a required plugin fails to load', async () => {
    const result = await runToExit({
      DATA_DIR: dataDir,
      PLUGINS: './plugins/examples/warehouse,./plugins/examples/missing',
      PLUGINS_REQUIRED: './plugins/examples/missing',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^dutyboard: required plugin failed to load: plugin "\.\/plugins\/examples\/missing": .*Fix the plugin, or take it out of PLUGINS_REQUIRED\./m,
    );
  });

  it('starts with an optional plugin failing, the others loaded', async () => {
    const server = await startServer({
      DATA_DIR: dataDir,
      // The demo roles use the default plugins' types, so those stay loaded beside the two under test.
      PLUGINS: ['./plugins/examples/missing', './plugins/examples/warehouse', ...DEFAULT_PLUGINS].join(','),
    });
    expect((await health(server.url)).status).toBe(200);
    expect(server.output()).toMatch(/"plugin":"warehouse".*"msg":"plugin loaded"/);
    expect(server.output()).toMatch(/"plugin":"\.\/plugins\/examples\/missing".*"msg":"plugin not loaded: /);
    expect((await server.stop('SIGTERM')).code).toBe(0);
  }, 60_000); // a first start on this data makes each loaded plugin's demo cards (listing's go through its hooks)
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
    expect(second.output()).toContain(`"schemaVersion":"${Object.keys(coreMigrations).sort().at(-1)}"`);

    const stopped = await second.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);
    expect(second.output()).toMatch(/"msg":"stopped"/);
  });
});

describe('the roles folder at start', () => {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-roles-'));
  const rolesDir = path.join(workDir, 'roles');
  const roleData = path.join(workDir, 'data');
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));
  const breakFinance = () => {
    const file = path.join(rolesDir, 'finance.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('reports_to: ops-director', 'reports_to: ops-directer'));
  };

  it('refuses a first start with invalid roles: exit 2 and every error as file:line:col', async () => {
    cpSync('roles', rolesDir, { recursive: true });
    breakFinance();
    const result = await runToExit({ DATA_DIR: roleData, ROLES_DIR: rolesDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/have 1 error\(s\) and no earlier version exists/);
    expect(result.stderr).toMatch(
      /roles\/finance\.yaml:\d+:\d+ unresolved_ref roles\[0\]\.reports_to: unknown role "ops-directer" \(did you mean "ops-director"\?\)/,
    );
  });

  it('keeps the last good version when the roles folder breaks later', async () => {
    rmSync(rolesDir, { recursive: true });
    cpSync('roles', rolesDir, { recursive: true });
    const good = await startServer({ DATA_DIR: roleData, ROLES_DIR: rolesDir });
    await good.stop();

    breakFinance();
    const restarted = await startServer({ DATA_DIR: roleData, ROLES_DIR: rolesDir });
    const signIn = await fetch(`${restarted.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'chen.zhiyuan@demo.dutyboard.local', password: 'dutyboard-demo' }),
    });
    const cookie = signIn.headers.get('Set-Cookie')!.split(';')[0]!;
    const versions = await (await fetch(`${restarted.url}/api/org/versions`, { headers: { Cookie: cookie } })).json();
    expect(versions).toHaveLength(1);
    expect(restarted.output()).toMatch(/unknown role \\"ops-directer\\"|unknown role "ops-directer"/);
    expect(restarted.output()).toMatch(/the last good organisation version stays active/);
    expect((await restarted.stop()).code).toBe(0);
  });
});

// Defined only where a server is configured, so a run without one reports no skipped test.
if (TEST_DATABASE_URL)
  describe('the server on PostgreSQL', () => {
    it('answers health with database "postgres" and stops on SIGINT', async () => {
      const server = await startServer({ DATABASE_URL: TEST_DATABASE_URL! });
      expect(await health(server.url)).toMatchObject({ status: 200, body: { status: 'ok', database: 'postgres' } });
      const stopped = await server.stop('SIGINT');
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(5000);
    });
  });

const DIRECTOR = { email: 'chen.zhiyuan@demo.dutyboard.local', password: 'dutyboard-demo' };

async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(DIRECTOR),
  });
  return response.headers.get('Set-Cookie')!.split(';')[0]!;
}

// Defined only where a PostgreSQL server is configured (the embedded database serves one process).
const postgresUrl = TEST_DATABASE_URL;
if (postgresUrl) {
  describe('two server processes on one PostgreSQL', () => {
    const schema = `two_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const url = new URL(postgresUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    let a: ServerProcess;
    let b: ServerProcess;
    // The demo organisation plus a daily duty with no `at`: its card for today is always due.
    const rolesDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-two-'));
    const query = async <T>(text: string) => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(text)).rows as T[];
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      cpSync('roles', rolesDir, { recursive: true });
      const finance = path.join(rolesDir, 'finance.yaml');
      writeFileSync(
        finance,
        readFileSync(finance, 'utf8').replace(
          /\n {4}duties:\n/,
          '\n    duties:\n      - {id: daily-cash-check, title: 每日对账 (Daily cash check), every: day}\n',
        ),
      );
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      // Started together, so both schedulers race for the same duty cards.
      [a, b] = await Promise.all([
        startServer({ DATABASE_URL: url.toString(), ROLES_DIR: rolesDir }),
        new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
          startServer({ DATABASE_URL: url.toString(), ROLES_DIR: rolesDir }),
        ),
      ]);
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
      rmSync(rolesDir, { recursive: true, force: true });
    });

    it('creates each duty card exactly once although both processes schedule duties', async () => {
      const countDaily = async () =>
        (
          await query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE duty_key LIKE 'daily-cash-check/%'`)
        )[0]!.n;
      for (let i = 0; i < 50 && (await countDaily()) === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 200));
      // Let both schedulers finish their first run.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await countDaily()).toBe(1); // the finance lead role has one holder
      expect(
        await query(`SELECT duty_key FROM tasks WHERE duty_key IS NOT NULL GROUP BY duty_key HAVING count(*) > 1`),
      ).toEqual([]);
    });

    it('delivers a move made through process A to a board client of process B', async () => {
      const [cookieA, cookieB] = await Promise.all([signIn(a.url), signIn(b.url)]);
      const onB = await connectLive(b.url, 'core-task', cookieB);
      const post = (path: string, method: string, body: unknown) =>
        fetch(`${a.url}${path}`, {
          method,
          headers: { Cookie: cookieA, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json());
      const card = await post('/api/tasks', 'POST', { type: 'core.task', title: '跨进程' });
      await post(`/api/tasks/${card.id}/transition`, 'PATCH', { to: 'in_progress', expectedVersion: 1 });
      const moved = await onB.waitFor((m) => m.event?.taskId === card.id && m.event?.type === 'task.transitioned');
      expect(moved.task).toMatchObject({ status: 'in_progress', version: 2 });
      await onB.close();
    });

    it('shares one organisation version between the processes', async () => {
      const versions = await (
        await fetch(`${b.url}/api/org/versions`, { headers: { Cookie: await signIn(b.url) } })
      ).json();
      expect(versions).toHaveLength(1);
    });
  });
}
