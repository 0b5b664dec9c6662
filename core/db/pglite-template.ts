// Child process (bin/prepare.mjs): builds the migrated empty embedded database once, as a dump a new
// DATA_DIR starts from, so a first start neither runs initdb nor the migrations.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrateToLatest } from './migrate.ts';
import { pgliteVersion } from './pglite.ts';
import { createPgliteKysely } from './pglite-dialect.ts';

const [out, info, migrationsHash] = process.argv.slice(2);
if (!out || !info || !migrationsHash)
  throw new Error('usage: pglite-template <out.tar.gz> <info.json> <migrations hash>');
const pglite = await PGlite.create();
const kysely = createPgliteKysely(pglite);
const { schemaVersion } = await migrateToLatest(kysely);
const dump = await pglite.dumpDataDir('gzip');
await kysely.destroy();
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, Buffer.from(await dump.arrayBuffer()));
writeFileSync(info, `${JSON.stringify({ pgliteVersion: pgliteVersion(), migrationsHash, schemaVersion })}\n`);
