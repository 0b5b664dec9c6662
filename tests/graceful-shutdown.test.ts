// Stopping the HTTP server: requests already running finish, new connections are refused.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../core/http/env.ts';
import { startHttpServer } from '../core/http/server.ts';

function slowApp(ms: number) {
  return new Hono<AppEnv>().get('/slow', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return c.json({ finished: true });
  });
}

describe('graceful stop', () => {
  it('lets an in-flight request finish and refuses new connections', async () => {
    const server = await startHttpServer(slowApp(600), { port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${server.url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const stopping = server.stop(4000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${server.url}/slow`)).rejects.toThrow();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    expect(await stopping).toBe(true);
  });

  it('cuts requests that outlast the grace period and says so', async () => {
    const server = await startHttpServer(slowApp(5000), { port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${server.url}/slow`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    expect(await server.stop(300)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});
