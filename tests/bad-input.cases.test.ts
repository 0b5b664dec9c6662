// The bad inputs an outside review found answered with 500, on every database: each is now refused
// with a 4xx in the one error shape, names what was wrong and where, and leaves nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachBoardSockets } from '../core/events/board-socket.ts';
import { coreCatalogue } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { startHttpServer, type RunningServer } from '../core/http/server.ts';
import { testDatabases } from './helpers/databases.ts';
import { connectLive } from './helpers/live-client.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, demoRoles, type TestApp } from './helpers/test-app.ts';

const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';

describe.each(testDatabases)('bad inputs on $kind', (database) => {
  let t: TestApp;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp(database);
    cookie = await t.signIn(DIRECTOR);
  });
  afterAll(() => t.dispose());

  const count = async (table: 'tasks' | 'users' | 'boards' | 'sign_in_attempts' | 'org_versions' | 'task_comments') =>
    Number(
      (
        await t.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** The answer is a 400 in the one error shape whose issues name `path`. */
  async function refused(response: Response, path: string, status = 400) {
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    return body;
  }

  it('refuses a NUL byte in the sign-in email before anyone is signed in, and records no failed attempt', async () => {
    const failures = await count('sign_in_attempts');
    const response = await t.call('POST', '/api/auth/sign-in', {
      body: { email: `${DIRECTOR}\u0000`, password: 'dutyboard-demo' },
    });
    const body = await refused(response, 'email');
    expect(body.error.message).toMatch(/NUL/);
    expect(await count('sign_in_attempts')).toBe(failures);
  });

  it('refuses NUL and lone surrogates in any string of a body, free-form card fields and their keys included', async () => {
    const tasks = await count('tasks');
    await refused(
      await t.call('POST', '/api/tasks', { cookie, body: { type: 'core.task', title: 'a\u0000b' } }),
      'title',
    );
    await refused(
      await t.call('POST', '/api/tasks', {
        cookie,
        body: { type: 'core.task', title: 'ok', description: 'half \ud83d pair' },
      }),
      'description',
    );
    await refused(
      await t.call('POST', '/api/tasks', {
        cookie,
        body: { type: 'core.task', title: 'ok', fields: { note: ['x', '\udc00'] } },
      }),
      'fields.note.1',
    );
    const key = await refused(
      await t.call('POST', '/api/tasks', {
        cookie,
        body: { type: 'core.task', title: 'ok', fields: { 'n\u0000': 1 } },
      }),
      'fields.n\u0000',
    );
    expect(key.error.message).toMatch(/key/);
    expect(await count('tasks')).toBe(tasks);
    // A whole surrogate pair is ordinary text.
    expect((await t.call('POST', '/api/tasks', { cookie, body: { type: 'core.task', title: '上新 🚀' } })).status).toBe(
      201,
    );
  });

  it('refuses input nested deeper than 32 levels, however deep, at once and without storing anything', async () => {
    const tasks = await count('tasks');
    for (const depth of [40, 100_000]) {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const started = performance.now();
      const response = await t.app.request('/api/tasks', {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/json' },
        body: `{"type": "core.task", "title": "deep", "fields": {"notes": ${deep}}}`,
      });
      const body = await refused(response, `fields.notes${'.0'.repeat(30)}`);
      expect(body.error.message).toMatch(/deeper than 32 levels/);
      expect(performance.now() - started).toBeLessThan(1000);
    }
    expect(await count('tasks')).toBe(tasks);
  });

  it('refuses a NUL in a path or query parameter', async () => {
    await refused(await t.call('GET', '/api/boards/core-task%00', { cookie }), 'id');
    await refused(await t.call('GET', '/api/boards/core-task?q=a%00b', { cookie }), 'q');
  });

  it('refuses dates in year 0000 or past 9999, in bodies and queries', async () => {
    const tasks = await count('tasks');
    const issue = await refused(
      await t.call('POST', '/api/tasks', {
        cookie,
        body: { type: 'core.task', title: 'old', dueAt: '0000-06-01T00:00:00Z' },
      }),
      'dueAt',
    );
    expect(issue.error.message).toMatch(/0001 to 9999/);
    await refused(
      await t.call('POST', '/api/tasks', {
        cookie,
        body: { type: 'core.task', title: 'old', dueAt: '0001-01-01T00:00:00+08:00' },
      }),
      'dueAt',
    );
    await refused(
      await t.call('POST', '/api/tasks', {
        cookie,
        body: { type: 'core.task', title: 'late', dueAt: '9999-12-31T23:00:00-10:00' },
      }),
      'dueAt',
    );
    const shipment = {
      type: 'after-sales.shipment',
      title: 'old order',
      fields: { order_no: 'A1', paid_at: '0000-12-31T10:00:00+08:00' },
    };
    const field = await t.call('POST', '/api/tasks', { cookie, body: shipment });
    expect(field.status).toBe(400);
    expect(JSON.stringify(await field.json())).toMatch(/paid_at.*0001 to 9999/);
    expect(await count('tasks')).toBe(tasks);
    await refused(await t.call('GET', '/api/boards/core-task?dueBefore=0000-01-01T00:00:00Z', { cookie }), 'dueBefore');
    await refused(await t.call('GET', '/api/kpis?at=0000-01-01T00:00:00Z', { cookie }), 'at');
  });

  it('refuses integers past what their column holds: organisation versions, card versions, WIP limits', async () => {
    await refused(await t.call('GET', '/api/org/versions/2147483648', { cookie }), 'id');
    expect((await t.call('GET', '/api/org/versions/2147483647', { cookie })).status).toBe(404);
    await refused(await t.call('GET', '/api/tasks/1e3', { cookie }), 'id');
    await refused(await t.call('GET', '/api/tasks/9007199254740993', { cookie }), 'id');
    const boards = await count('boards');
    const board = {
      id: 'wide',
      name: 'Wide',
      taskTypes: ['core.task'],
      columns: [{ id: 'all', name: 'All', states: ['todo'] }],
    };
    await refused(
      await t.call('POST', '/api/boards', { cookie, body: { ...board, personalWip: 2 ** 31 } }),
      'personalWip',
    );
    await refused(
      await t.call('POST', '/api/boards', {
        cookie,
        body: { ...board, columns: [{ ...board.columns[0], wipLimit: 2 ** 31 }] },
      }),
      'columns.0.wipLimit',
    );
    expect(await count('boards')).toBe(boards);
    const card = await (
      await t.call('POST', '/api/tasks', { cookie, body: { type: 'core.task', title: 'versioned' } })
    ).json();
    await refused(
      await t.call('PATCH', `/api/tasks/${card.id}`, { cookie, body: { expectedVersion: 2 ** 31, title: 'x' } }),
      'expectedVersion',
    );
  });

  it('creates one person when two requests add the same email at once; the other is a 409', async () => {
    const people = await count('users');
    const person = { email: 'twin@example.com', displayName: 'Twin', password: 'long enough password' };
    const answers = await Promise.all([0, 1, 2, 3].map(() => t.call('POST', '/api/people', { cookie, body: person })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const answer of answers.filter((r) => r.status === 409))
      expect((await answer.json()).error.code).toBe('CONFLICT');
    expect(await count('users')).toBe(people + 1);
  });

  it('reports a NUL written as a YAML escape at validation with file:line:column, so activation never fails on it', async () => {
    const files = demoRoles().map((file) =>
      file.name === 'org.yaml'
        ? { ...file, text: file.text.replace('name: 云尚电商运营中心', 'name: "云尚\\0电商"') }
        : file,
    );
    expect(files.find((f) => f.name === 'org.yaml')!.text).toContain('"云尚\\0电商"');
    const preview = await (await t.call('POST', '/api/org/validate', { cookie, body: { files } })).json();
    expect(preview.ok).toBe(false);
    expect(preview.errors).toEqual([
      expect.objectContaining({
        file: 'org.yaml',
        line: 8,
        column: 9,
        path: 'organization.name',
        message: expect.stringMatching(/NUL/),
      }),
    ]);
    const versions = await count('org_versions');
    const { versionId } = await (await t.call('GET', '/api/org', { cookie })).json();
    const activation = await t.call('PUT', '/api/org', { cookie, body: { baseVersionId: versionId, files } });
    expect(activation.status).toBe(422);
    expect((await activation.json()).error.code).toBe('ROLES_INVALID');
    expect(await count('org_versions')).toBe(versions);
  });

  it('reports a raw NUL in a roles file read from the folder at its line and column', () => {
    const result = loadOrg(
      [{ name: 'org.yaml', text: 'version: 1\norganization: {id: a, name: "x\u0000"}\n' }],
      coreCatalogue(),
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: 'org.yaml',
        line: 2,
        column: 31,
        kind: 'yaml_syntax',
        message: expect.stringMatching(/NUL/),
      }),
    ]);
  });

  it('refuses a raw NUL or lone surrogate in a roles file at the edge, naming the file', async () => {
    await refused(
      await t.call('POST', '/api/org/validate', {
        cookie,
        body: { files: [{ name: 'org.yaml', text: 'version: 1\u0000' }] },
      }),
      'files.0.text',
    );
    await refused(
      await t.call('POST', '/api/org/validate', { cookie, body: { files: [{ name: 'org.yaml', text: '# \ud800' }] } }),
      'files.0.text',
    );
  });

  describe('live sockets', () => {
    let server: RunningServer;
    let sockets: { close(): void };
    beforeAll(async () => {
      server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
      sockets = attachBoardSockets(server.server, t.services, memoryLogger().log);
    });
    afterAll(async () => {
      sockets.close();
      await server.stop(1000);
    });

    it('refuses a socket whose cookie has a bad %-escape as unauthenticated, as the HTTP API does, not as a server error', async () => {
      for (const bad of ['%E0%A4%A', 'a%ZZ', '%00']) {
        await expect(connectLive(server.url, 'core-task', `dutyboard_session=${bad}`)).rejects.toThrow('HTTP 401');
        expect((await t.call('GET', '/api/me', { headers: { Cookie: `dutyboard_session=${bad}` } })).status).toBe(401);
      }
    });

    it('opens a socket with a ?since= that is no event id (1e20, -1, 1.5) without replaying or failing, and replays from a real one', async () => {
      for (const since of ['1e20', '-1', '1.5', '99999999999999999999']) {
        const live = await connectLive(server.url, 'core-task', cookie, since as unknown as number);
        await live.waitFor((m) => m.type === 'hello');
        const card = await (
          await t.call('POST', '/api/tasks', { cookie, body: { type: 'core.task', title: `since ${since}` } })
        ).json();
        await live.waitFor((m) => m.event?.taskId === card.id);
        expect(live.messages.filter((m) => m.type === 'event').map((m) => m.event!.taskId)).toEqual([card.id]);
        await live.close();
      }
      const live = await connectLive(server.url, 'core-task', cookie, 0);
      await live.waitFor((m) => m.type === 'event' || m.type === 'refresh');
      await live.close();
    });
  });
});
