// The HTTP surface on every database: health, and the one error shape for 404, 400, 413 and 500.
import http from 'node:http';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrateToLatest } from '../core/db/migrate.ts';
import { coreMigrations } from '../migrations/index.ts';
import { createApp } from '../core/http/app.ts';
import { startHttpServer } from '../core/http/server.ts';
import type { AppEnv } from '../core/http/env.ts';
import { jsonBody } from '../core/http/validate.ts';
import { createServices } from '../core/compose.ts';
import { testDatabases, type TestDb } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';

describe.each(testDatabases)('HTTP API on $kind', ({ kind, create }) => {
  let db: TestDb;
  let app: Hono<AppEnv>;
  const logs = memoryLogger();

  beforeAll(async () => {
    db = await create();
    const { schemaVersion } = await migrateToLatest(db.kysely);
    app = createApp({
      services: createServices({ db, log: logs.log }),
      log: logs.log,
      schemaVersion,
      startedAt: Date.now() - 5000,
    });
    // Probe routes that exercise the shared machinery the real routes use.
    app.post('/api/probe/echo', jsonBody(z.object({ title: z.string().min(1), count: z.number().int() })), (c) =>
      c.json(c.req.valid('json')),
    );
    app.get('/api/probe/crash', () => {
      throw new Error('secret internal detail');
    });
  });
  afterAll(async () => {
    await db.dispose();
  });

  it('reports health: status, database kind, schema version, uptime', async () => {
    const response = await app.request('/api/health');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      status: 'ok',
      database: kind,
      schemaVersion: Object.keys(coreMigrations).sort().at(-1),
    });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(5);
    expect(body.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('X-Request-Id')).toBeTruthy();
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await app.request('/api/no/such/thing', { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for DELETE /api/no/such/thing.' },
    });
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const response = await app.request('/api/probe/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"title": "half',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('INVALID_JSON');
  });

  it('names every invalid field when the body does not match the schema', async () => {
    const response = await app.request('/api/probe/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: '', count: 1.5 }),
    });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['title', 'count']);
    expect(error.message).toMatch(/^Invalid body: title: .+; count: .+/);
  });

  it('refuses a body that is not declared as JSON', async () => {
    const response = await app.request('/api/probe/echo', { method: 'POST', body: '{"title":"x","count":1}' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/Content-Type: application\/json/);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const response = await app.request('/api/probe/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(1_100_000), count: 1 }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses bodies over 1 MiB over a real connection, whether announced by Content-Length or chunked', async () => {
    const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    try {
      const send = (body: string, chunked: boolean) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const headers: Record<string, string | number> = { 'Content-Type': 'application/json' };
          if (!chunked) headers['Content-Length'] = Buffer.byteLength(body);
          const request = http.request(`${server.url}/api/probe/echo`, { method: 'POST', headers }, (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode!, body: text }));
          });
          request.on('error', reject);
          // Written in pieces: without Content-Length, Node sends them chunked.
          for (let at = 0; at < body.length; at += 64 * 1024) request.write(body.slice(at, at + 64 * 1024));
          request.end();
        });
      const large = JSON.stringify({ title: 'x'.repeat(1_100_000), count: 1 });
      for (const chunked of [false, true]) {
        const refused = await send(large, chunked);
        expect(refused.status).toBe(413);
        expect(JSON.parse(refused.body).error.code).toBe('PAYLOAD_TOO_LARGE');
        const small = await send(JSON.stringify({ title: '上架', count: 2 }), chunked);
        expect([small.status, JSON.parse(small.body)]).toEqual([200, { title: '上架', count: 2 }]);
      }
    } finally {
      await server.stop(1000);
    }
  });

  it('hides internals behind 500 and logs the error with the request id', async () => {
    const response = await app.request('/api/probe/crash', { headers: { 'X-Request-Id': 'req-crash-1' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/secret internal detail|at .*\.ts:\d+/);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side (request req-crash-1).' },
    });
    const logged = logs.lines().find((line) => line.msg === 'unhandled error');
    expect(logged).toMatchObject({ reqId: 'req-crash-1', level: 50 });
  });

  it('puts the request id on every log line of a request', async () => {
    await app.request('/api/health', { headers: { 'X-Request-Id': 'req-health-7' } });
    expect(logs.lines().filter((line) => line.reqId === 'req-health-7')).toEqual([
      expect.objectContaining({ msg: 'request', method: 'GET', path: '/api/health', status: 200 }),
    ]);
  });

  it('reports the database as unavailable with 503 once it stops answering', async () => {
    const closing = await create();
    await migrateToLatest(closing.kysely);
    const broken = createApp({
      services: createServices({ db: closing, log: logs.log }),
      log: logs.log,
      schemaVersion: null,
      startedAt: Date.now(),
    });
    await closing.dispose();
    const response = await broken.request('/api/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unavailable', database: kind });
  });
});
