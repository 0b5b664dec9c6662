// Runs the real server (`core/main.ts`) as a child process, the way `npm start` does after the build.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll } from 'vitest';
import type { ServerDatabase } from './databases.ts';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'core/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs main.ts expecting it to exit (bad configuration and the like). */
export async function runToExit(env: Record<string, string>): Promise<Exited> {
  const child = spawnMain(env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

export async function startServer(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawnMain(env);
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /"url":"(http:[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      const started = performance.now();
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill(signal);
      const [code] = await exited;
      return { code, ms: performance.now() - started };
    },
  };
}

/**
 * Two server processes on one database that several may share (PostgreSQL), started before the suite's
 * tests and stopped after them with the database; read `a`, `b` and `env` inside the tests.
 */
export function twoServers(database: ServerDatabase): {
  a: ServerProcess;
  b: ServerProcess;
  env: Record<string, string>;
} {
  const servers = {} as { a: ServerProcess; b: ServerProcess; env: Record<string, string> };
  let dispose: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await database.create();
    dispose = db.dispose;
    servers.env = db.env;
    servers.a = await startServer(db.env, 120_000);
    servers.b = await startServer(db.env, 120_000);
  }, 300_000);
  afterAll(async () => {
    await Promise.all([servers.a?.stop(), servers.b?.stop()]);
    await dispose?.();
  });
  return servers;
}

/** Signs in to a server process with the demo password; the Cookie header's value. */
export async function signInAt(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'dutyboard-demo' }),
  });
  return response.headers.get('Set-Cookie')!.split(';')[0]!;
}
