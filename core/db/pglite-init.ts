// Child process: creates an embedded database folder and exits (see initialiseDataDir in pglite.ts).
import { PGlite } from '@electric-sql/pglite';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: pglite-init <data-dir>');
const pglite = await PGlite.create({ dataDir });
await pglite.close();
