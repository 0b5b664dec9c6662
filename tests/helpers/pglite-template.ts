// Vitest global setup: runs initdb once and hands every test a dump to start an in-memory PGlite from.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  // Keyed by PGlite's version: a dump only loads into the version that made it.
  const version = JSON.parse(
    readFileSync(
      createRequire(import.meta.url)
        .resolve('@electric-sql/pglite')
        .replace(/dist\/.*$/, 'package.json'),
      'utf8',
    ),
  ).version;
  const file = path.join(os.tmpdir(), `dutyboard-pglite-${version}.tar.gz`);
  if (!existsSync(file)) {
    const pglite = await PGlite.create();
    const dump = await pglite.dumpDataDir('gzip');
    await pglite.close();
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  }
  project.provide('pgliteTemplate', file);
}
