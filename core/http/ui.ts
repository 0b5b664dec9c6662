// Serves the built Solid app; any other GET outside /api gets index.html so client-side routes load.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from './env.ts';

export function mountUi(app: Hono<AppEnv>, uiDir: string): void {
  if (!existsSync(path.join(uiDir, 'index.html'))) return;
  const root = path.relative(process.cwd(), uiDir) || '.';
  app.use('*', async (c, next) => (c.req.path.startsWith('/api/') ? next() : serveStatic({ root })(c, next)));
  app.get('*', async (c, next) =>
    c.req.path.startsWith('/api/') ? next() : serveStatic({ root, path: 'index.html' })(c, next),
  );
}
