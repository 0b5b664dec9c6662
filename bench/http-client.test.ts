import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.ts';

const servers: http.Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve)))));

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('bench HTTP client', () => {
  it('sends method, path, cookie and JSON body, and reads status, headers and a body that arrives in pieces', async () => {
    const url = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const answer = JSON.stringify({
          method: request.method,
          url: request.url,
          cookie: request.headers.cookie,
          body: JSON.parse(body),
          text: '上架 '.repeat(50_000),
        });
        response.writeHead(201, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(answer),
          'X-Seen': 'yes',
        });
        // Headers and body in separate writes, the body in many.
        response.flushHeaders();
        const bytes = Buffer.from(answer);
        for (let at = 0; at < bytes.length; at += 7_001) response.write(bytes.subarray(at, at + 7_001));
        response.end();
      });
    });
    const client = createHttpClient(url, 2);
    const response = await client.request('PATCH', '/api/tasks/7/transition', { to: 'done' }, 'dutyboard_session=abc');
    expect(response.status).toBe(201);
    expect(response.header('x-seen')).toBe('yes');
    const parsed = response.json<{ method: string; url: string; cookie: string; body: unknown; text: string }>();
    expect(parsed).toMatchObject({
      method: 'PATCH',
      url: '/api/tasks/7/transition',
      cookie: 'dutyboard_session=abc',
      body: { to: 'done' },
    });
    expect(parsed.text).toBe('上架 '.repeat(50_000));
    client.close();
  });

  it('keeps at most maxSockets connections, and opens a new one when the server has closed an idle one', async () => {
    const sockets = new Set<unknown>();
    const url = await serve((request, response) => {
      sockets.add(request.socket);
      const body = String(sockets.size);
      response.writeHead(200, { 'Content-Length': body.length });
      response.end(body);
      if (request.url === '/close') request.socket.end();
    });
    const client = createHttpClient(url, 2);
    await Promise.all(Array.from({ length: 6 }, () => client.request('GET', '/', undefined, undefined)));
    expect(sockets.size).toBe(2);
    await client.request('GET', '/close', undefined, undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all(Array.from({ length: 4 }, () => client.request('GET', '/', undefined, undefined)));
    expect(sockets.size).toBe(3);
    client.close();
  });
});
