// No request, upgrade or frame a client sends may take the server down: malformed origins, hosts,
// targets, cookies and frames are refused on every socket path, and the real process keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverDatabases } from './helpers/databases.ts';
import { connectLive } from './helpers/live-client.ts';
import { frame, rawConnect, rawRequest, upgradeHead } from './helpers/raw-client.ts';
import { startServer, type ServerProcess } from './helpers/server-process.ts';

const DIRECTOR = { email: 'chen.zhiyuan@demo.dutyboard.local', password: 'dutyboard-demo' };
const BOARD = '/api/boards/core-task/live';
const INBOX = '/api/me/live';
const SOCKET_PATHS = [BOARD, INBOX];

describe.each(serverDatabases)('the server on $kind facing hostile clients', (database) => {
  let server: ServerProcess;
  let cookie: string;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const db = await database.create();
    dispose = db.dispose;
    server = await startServer(db.env, 120_000);
    const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(DIRECTOR),
    });
    cookie = signIn.headers.get('Set-Cookie')!.split(';')[0]!;
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await dispose?.();
  });

  /** The process is up, answers HTTP, and opens a live socket for a well-behaved client. */
  async function stillServing(): Promise<void> {
    expect(server.child.exitCode).toBe(null);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const client = await connectLive(server.url, 'core-task', cookie);
    await client.waitFor((m) => m.type === 'hello');
    await client.close();
    expect(server.output()).not.toMatch(/uncaught exception|unhandled promise rejection/);
  }

  const createCard = (title: string): Promise<{ id: number }> =>
    fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'core.task', title }),
    }).then((r) => r.json());
  const upgrade = (path: string, headers: string[] = [], host?: string) =>
    rawRequest(server.url, upgradeHead(server.url, path, headers, host));

  it('refuses upgrades from a malformed or foreign Origin with 403 on every socket path, signed in or not', async () => {
    const origins = [
      'null',
      'not a url',
      'http://[',
      'https://evil.example',
      `${server.url}/path`,
      'http://localhost:1',
      `ws://${new URL(server.url).host}`,
    ];
    for (const path of SOCKET_PATHS) {
      for (const origin of origins) {
        expect(await upgrade(path, [`Origin: ${origin}`])).toBe(403);
        expect(await upgrade(path, [`Origin: ${origin}`, `Cookie: ${cookie}`])).toBe(403);
      }
      // The server's own origins, by the address it listens on and by name.
      const port = new URL(server.url).port;
      expect(await upgrade(path, [`Origin: http://127.0.0.1:${port}`, `Cookie: ${cookie}`])).toBe(101);
      expect(await upgrade(path, [`Origin: http://localhost:${port}`, `Cookie: ${cookie}`])).toBe(101);
    }
    expect(await upgrade('/api/not-a-socket', ['Origin: null'])).toBe(404);
    await stillServing();
  });

  it('refuses upgrades that name a host that is not ours (DNS rebinding) with 421', async () => {
    for (const path of SOCKET_PATHS) {
      for (const host of ['evil.example', 'evil.example:80', '[', 'localhost:x', 'a b']) {
        expect(await upgrade(path, [`Cookie: ${cookie}`], host)).toBe(421);
      }
      expect(await upgrade(path, [`Cookie: ${cookie}`], '')).toBe(421);
    }
    await stillServing();
  });

  it('answers malformed targets, cookies and replay positions with a status, never a crash', async () => {
    for (const target of [
      'http://[/api/me/live',
      '//evil/api/me/live',
      '/api/boards/%zz/live',
      `/api/boards/${'x'.repeat(5000)}/live`,
      '*',
    ]) {
      expect(await upgrade(target, [`Cookie: ${cookie}`])).toEqual(expect.any(Number));
    }
    for (const path of SOCKET_PATHS) {
      expect(await upgrade(path, ['Cookie: dutyboard_session=%E0%A4%A'])).toBe(401);
      expect(await upgrade(path, ['Cookie: dutyboard_session'])).toBe(401);
      expect(await upgrade(path, ['Cookie: ;;=;=%%'])).toBe(401);
    }
    // A replay position the database cannot hold is ignored, not an error that closes the socket.
    for (const since of ['1e20', '-1', '99999999999999999999', 'NaN', '1.5']) {
      const client = await connectLive(server.url, 'core-task', cookie, since);
      const card = await createCard(`since=${since}`);
      await client.waitFor((m) => m.event?.taskId === card.id);
      await client.close();
    }
    await stillServing();
  });

  it('survives clients that reset or vanish in the middle of an upgrade', async () => {
    for (const path of SOCKET_PATHS) {
      for (let i = 0; i < 10; i++) {
        const connection = rawConnect(server.url);
        connection.socket.write(`${upgradeHead(server.url, path, [`Cookie: ${cookie}`]).join('\r\n')}\r\n\r\n`);
        connection.socket.resetAndDestroy();
        const half = rawConnect(server.url);
        half.socket.end(`${upgradeHead(server.url, path, [`Cookie: ${cookie}`]).join('\r\n')}\r\n\r\n`);
        await half.closed;
      }
    }
    await stillServing();
  });

  it('closes a socket that sends malformed frames, and keeps serving everyone else', async () => {
    const watcher = await connectLive(server.url, 'core-task', cookie);
    const bad: Buffer[] = [
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]), // reserved bits and opcode
      frame(0x1, Buffer.from('unmasked'), { masked: false }),
      frame(0x2, Buffer.alloc(16), { declaredLength: 64 * 1024 * 1024 }), // past the size cap
      frame(0x1, Buffer.from([0xc3, 0x28])), // not UTF-8
      frame(0x8, Buffer.from([0x03, 0xed])), // close with an invalid code
      frame(0x9, Buffer.alloc(10), { fin: false }), // fragmented control frame
      frame(0x3, Buffer.from('x')), // reserved opcode
    ];
    for (const path of SOCKET_PATHS) {
      for (const bytes of bad) {
        const connection = rawConnect(server.url);
        connection.socket.write(`${upgradeHead(server.url, path, [`Cookie: ${cookie}`]).join('\r\n')}\r\n\r\n`);
        expect(await connection.status()).toBe(101);
        connection.socket.write(bytes);
        await connection.closed;
      }
      // A well-formed frame is ignored: the channels only send.
      const talker = rawConnect(server.url);
      talker.socket.write(`${upgradeHead(server.url, path, [`Cookie: ${cookie}`]).join('\r\n')}\r\n\r\n`);
      expect(await talker.status()).toBe(101);
      talker.socket.write(frame(0x1, Buffer.from('{"type":"subscribe","board":"__proto__"}')));
      talker.socket.destroy();
    }
    const card = await createCard('仍在服务');
    await watcher.waitFor((m) => m.event?.taskId === card.id);
    await watcher.close();
    await stillServing();
  });

  it('answers malformed HTTP with 400 or 431 and keeps serving', async () => {
    const host = `Host: ${new URL(server.url).host}`;
    expect(await rawRequest(server.url, ['GET /api/health HTTP/1.1', host, 'Bad Header Line'])).toBe(400);
    expect(await rawRequest(server.url, ['NOT HTTP AT ALL'])).toBe(400);
    expect(await rawRequest(server.url, ['GET /api/health HTTP/1.1', host, `X-Big: ${'x'.repeat(20_000)}`])).toBe(431);
    expect(await rawRequest(server.url, ['GET http://[/api/health HTTP/1.1', host])).toEqual(expect.any(Number));
    await stillServing();
  });
});
