import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('starts on the embedded database with the documented defaults', () => {
    const config = loadConfig({}, false);
    expect(config).toMatchObject({ port: 8787, host: '127.0.0.1', logLevel: 'info', logFormat: 'json' });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/[/\\]data$/) });
  });

  it('uses PostgreSQL when DATABASE_URL is set, and pretty logs in a terminal', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/dutyboard', PORT: '9000' }, true);
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://app@db:5432/dutyboard' });
    expect(config.port).toBe(9000);
    expect(config.logFormat).toBe('pretty');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }, false).database.kind).toBe('pglite');
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY names how many proxies stand in front', () => {
    expect(loadConfig({}, false).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }, false).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'false' }, false).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '2' }, false).trustProxy).toBe(2);
  });

  it('lets webhooks reach no local or private host unless WEBHOOK_ALLOW_HOSTS names it', () => {
    expect(loadConfig({}, false).webhookAllowHosts).toEqual([]);
    expect(loadConfig({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1, hooks.internal,[::1],::1' }, false).webhookAllowHosts).toEqual(
      ['127.0.0.1', 'hooks.internal', '[::1]', '::1'],
    );
  });

  it.each([
    [
      { WEBHOOK_ALLOW_HOSTS: 'http://hooks.internal' },
      /^Invalid WEBHOOK_ALLOW_HOSTS .*without scheme or port.*comma-separated/,
    ],
    [{ WEBHOOK_ALLOW_HOSTS: 'hooks.internal:8080' }, /^Invalid WEBHOOK_ALLOW_HOSTS/],
    [{ TRUST_PROXY: 'yes' }, /^Invalid TRUST_PROXY \(got "yes"\).*number of proxies of yours/],
    [{ PORT: 'eighty' }, /^Invalid PORT \(got "eighty"\): .+\. Fix: set PORT to a TCP port number/],
    [{ PORT: '70000' }, /^Invalid PORT \(got "70000"\).*Fix: set PORT/],
    [
      { DATABASE_URL: 'mysql://x' },
      /^Invalid DATABASE_URL .*postgres:\/\/.*leave it unset to use the embedded database/,
    ],
    [{ LOG_LEVEL: 'loud' }, /^Invalid LOG_LEVEL \(got "loud"\).*one of fatal, error/],
    [{ LOG_FORMAT: 'xml' }, /^Invalid LOG_FORMAT.*auto, pretty or json/],
  ])('names the variable and the fix for %o', (env, message) => {
    expect(() => loadConfig(env, false)).toThrow(ConfigError);
    expect(() => loadConfig(env, false)).toThrow(message);
  });
});

describe('where the server may be reached, and demo members', () => {
  it('reads ALLOWED_HOSTS as names or name:port separated by commas, and names the fix for anything else', () => {
    expect(loadConfig({ ALLOWED_HOSTS: 'board.internal, 10.0.0.5:8787,,' }, false).allowedHosts).toEqual([
      'board.internal',
      '10.0.0.5:8787',
    ]);
    expect(loadConfig({}, false).allowedHosts).toEqual([]);
    expect(() => loadConfig({ ALLOWED_HOSTS: 'https://board.example.com' }, false)).toThrow(
      /^Invalid ALLOWED_HOSTS .*Fix: set ALLOWED_HOSTS/,
    );
    expect(() => loadConfig({ ALLOWED_HOSTS: 'board.example.com/x' }, false)).toThrow(ConfigError);
  });

  it.each([
    [{}, true],
    [{ HOST: '::1', PUBLIC_URL: 'http://127.0.0.1:8787' }, true],
    [{ HOST: '0.0.0.0' }, false],
    [{ HOST: '127.0.0.1', PUBLIC_URL: 'https://board.example.com' }, false],
    [{ HOST: '0.0.0.0', DEMO_MEMBERS: 'on' }, true],
    [{ DEMO_MEMBERS: 'off' }, false],
  ])('creates demo members only on a local server unless DEMO_MEMBERS says otherwise: %o → %s', (env, expected) => {
    expect(loadConfig(env, false).demoMembers).toBe(expected);
  });

  it('names the fix for a bad DEMO_MEMBERS', () => {
    expect(() => loadConfig({ DEMO_MEMBERS: 'yes' }, false)).toThrow(
      /^Invalid DEMO_MEMBERS \(got "yes"\).*auto .*on or off/,
    );
  });
});
