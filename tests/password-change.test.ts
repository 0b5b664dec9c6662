// People change their own password, on every database: the current password is required, their other
// sessions end and the one they used stays; a wrong current password changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../core/auth/seed-members.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: pw, name: Passwords, timezone: Asia/Shanghai}
roles:
  - {id: clerk, name: Clerk, can: [boards.view]}
members:
  - {email: ann@pw.test, name: Ann, roles: [clerk]}
  - {email: bob@pw.test, name: Bob, roles: [clerk]}
  - {email: cat@pw.test, name: Cat, roles: [clerk]}
`;

describe.each(testDatabases)("changing one's own password on $kind", (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'pw.yaml', text: org }]);
  });
  afterAll(() => t.dispose());

  const change = (cookie: string | undefined, body: unknown) =>
    t.call('POST', '/api/me/password', { ...(cookie ? { cookie } : {}), body });
  const signInStatus = async (email: string, password: string) =>
    (await t.call('POST', '/api/auth/sign-in', { body: { email, password } })).status;
  const me = async (cookie: string) => (await t.call('GET', '/api/me', { cookie })).status;

  it("changes the password with the current one; the person's other sessions end and this one stays", async () => {
    const [laptop, phone] = [await t.signIn('ann@pw.test'), await t.signIn('ann@pw.test')];
    const bob = await t.signIn('bob@pw.test');
    const response = await change(laptop, { currentPassword: DEMO_PASSWORD, newPassword: 'a-much-better-one' });
    expect(response.status).toBe(204);

    expect(await me(laptop)).toBe(200);
    expect(await me(phone)).toBe(401);
    expect(await me(bob)).toBe(200);
    expect(await signInStatus('ann@pw.test', DEMO_PASSWORD)).toBe(401);
    expect(await signInStatus('ann@pw.test', 'a-much-better-one')).toBe(200);
  });

  it('refuses a wrong current password, naming the field, and changes nothing', async () => {
    const [laptop, phone] = [await t.signIn('bob@pw.test'), await t.signIn('bob@pw.test')];
    const response = await change(laptop, { currentPassword: 'not-the-password', newPassword: 'a-much-better-one' });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'The current password is wrong.',
      details: { issues: [{ path: 'currentPassword', message: 'is not your current password' }] },
    });
    expect(await me(laptop)).toBe(200);
    expect(await me(phone)).toBe(200);
    expect(await signInStatus('bob@pw.test', DEMO_PASSWORD)).toBe(200);
    expect(await signInStatus('bob@pw.test', 'a-much-better-one')).toBe(401);
  });

  it('refuses a new password shorter than 10 characters, and anyone not signed in', async () => {
    const cookie = await t.signIn('cat@pw.test');
    const short = await change(cookie, { currentPassword: DEMO_PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect((await short.json()).error.details.issues).toEqual([
      expect.objectContaining({ path: 'newPassword', message: 'use at least 10 characters' }),
    ]);
    expect((await change(undefined, { currentPassword: DEMO_PASSWORD, newPassword: 'a-much-better-one' })).status).toBe(
      401,
    );
    expect(await signInStatus('cat@pw.test', DEMO_PASSWORD)).toBe(200);
  });

  it('limits guesses of the current password through a session as sign-in does', async () => {
    const cookie = await t.signIn('cat@pw.test');
    const answers = [];
    for (let i = 0; i < 7; i++)
      answers.push((await change(cookie, { currentPassword: `guess-${i}`, newPassword: 'a-much-better-one' })).status);
    expect(answers).toEqual([400, 400, 400, 400, 400, 429, 429]);
    expect((await change(cookie, { currentPassword: DEMO_PASSWORD, newPassword: 'a-much-better-one' })).status).toBe(
      429,
    );
  });
});
