// Sign-in, sessions and people management, on every database.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../core/auth/password.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';
const HR = 'dong.hui@demo.dutyboard.local';
const AGENT = 'cao.ying@demo.dutyboard.local';

describe('password hashing', () => {
  it('uses scrypt with a per-password salt and verifies only the right password', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse battery', first)).toBe(true);
    expect(await verifyPassword('correct horse batterY', first)).toBe(false);
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false);
  });
});

describe.each(testDatabases)('sign-in and people on $kind', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database);
  });
  afterAll(() => t.dispose());

  it('signs in with an HttpOnly, SameSite=Lax cookie and tells who you are', async () => {
    const response = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'Xu.Ting@demo.dutyboard.local', password: 'dutyboard-demo' },
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/^dutyboard_session=[\w-]{43}; /);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const me = await (await t.call('GET', '/api/me', { cookie: cookie.split(';')[0] })).json();
    expect(me).toMatchObject({
      email: 'xu.ting@demo.dutyboard.local',
      displayName: '许婷',
      roles: [{ id: 'cs-manager', department: 'customer-service' }],
    });
    expect(me.permissions).toContain('tasks.approve');
    expect(me.permissions).not.toContain('roles.edit');
  });

  it('marks the cookie Secure behind https', async () => {
    const response = await t.call('POST', '/api/auth/sign-in', {
      body: { email: AGENT, password: 'dutyboard-demo' },
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    expect(response.headers.get('Set-Cookie')).toMatch(/; Secure/);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    for (const body of [
      { email: DIRECTOR, password: 'wrong-password' },
      { email: 'nobody@example.com', password: 'dutyboard-demo' },
    ]) {
      const response = await t.call('POST', '/api/auth/sign-in', { body });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'The email or the password is wrong.' },
      });
    }
  });

  it('answers 401 without a session and after sign-out', async () => {
    expect((await t.call('GET', '/api/me')).status).toBe(401);
    const cookie = await t.signIn(AGENT);
    expect((await t.call('GET', '/api/me', { cookie })).status).toBe(200);
    expect((await t.call('POST', '/api/auth/sign-out', { cookie })).status).toBe(204);
    expect((await t.call('GET', '/api/me', { cookie })).status).toBe(401);
  });

  it('ends expired sessions', async () => {
    const cookie = await t.signIn(AGENT);
    await sql`UPDATE sessions SET expires_at = now() - interval '1 second'`.execute(t.db.kysely);
    const response = await t.call('GET', '/api/me', { cookie });
    expect(response.status).toBe(401);
    expect(response.headers.get('Set-Cookie')).toMatch(/dutyboard_session=;/);
  });

  it('applies a sign-out made through another server process within two seconds', async () => {
    const cookie = await t.signIn(AGENT);
    expect((await t.call('GET', '/api/me', { cookie })).status).toBe(200);
    // Another process signs the session out: only the database changes, this process's cache does not.
    await sql`DELETE FROM sessions`.execute(t.db.kysely);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await t.call('GET', '/api/me', { cookie })).status).toBe(401);
  });

  it('lets people.manage holders add people and change their roles; roles grant permissions', async () => {
    const hr = await t.signIn(HR);
    const created = await t.call('POST', '/api/people', {
      cookie: hr,
      body: { email: 'new.hire@example.com', displayName: '新同事', password: 'a-long-password', roles: ['designer'] },
    });
    expect(created.status).toBe(201);
    const person = await created.json();
    expect(person).toMatchObject({ email: 'new.hire@example.com', roles: ['designer'], disabled: false });

    const duplicate = await t.call('POST', '/api/people', {
      cookie: hr,
      body: { email: 'NEW.HIRE@example.com', displayName: 'x', password: 'a-long-password' },
    });
    expect(duplicate.status).toBe(409);

    const typo = await t.call('PUT', `/api/people/${person.id}/roles`, {
      cookie: hr,
      body: { roles: ['copywritter'] },
    });
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toBe('unknown role "copywritter" (did you mean "copywriter"?)');

    const newcomer = await t.signIn('new.hire@example.com', 'a-long-password');
    expect((await (await t.call('GET', '/api/me', { cookie: newcomer })).json()).permissions).not.toContain(
      'tasks.approve',
    );
    // cs-manager's one seat (headcount 1) is taken, and only someone holding all it carries may give it.
    const director = await t.signIn(DIRECTOR);
    const [seated] = await t.services.users.holdersOf('cs-manager');
    expect(
      (await t.call('PUT', `/api/people/${seated!.id}/roles`, { cookie: director, body: { roles: [] } })).status,
    ).toBe(200);
    expect(
      (await t.call('PUT', `/api/people/${person.id}/roles`, { cookie: director, body: { roles: ['cs-manager'] } }))
        .status,
    ).toBe(200);
    expect((await (await t.call('GET', '/api/me', { cookie: newcomer })).json()).permissions).toContain(
      'tasks.approve',
    );

    // Now a customer-service manager, the newcomer holds approval the HR specialist lacks: the director disables them.
    const disabled = await t.call('PATCH', `/api/people/${person.id}`, { cookie: director, body: { disabled: true } });
    expect((await disabled.json()).disabled).toBe(true);
    expect((await t.call('GET', '/api/me', { cookie: newcomer })).status).toBe(401);
    expect(
      (
        await t.call('POST', '/api/auth/sign-in', {
          body: { email: 'new.hire@example.com', password: 'a-long-password' },
        })
      ).status,
    ).toBe(401);
  });

  it('validates people input and names the fields', async () => {
    const hr = await t.signIn(HR);
    const response = await t.call('POST', '/api/people', {
      cookie: hr,
      body: { email: 'not-an-email', displayName: '', password: 'short' },
    });
    expect(response.status).toBe(400);
    const paths = (await response.json()).error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(['email', 'displayName', 'password']);
  });
});
