// Child process: creates an embedded database folder, from the migrated template when one is given,
// and exits (see initialiseDataDir in pglite.ts).
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const [dataDir, template] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: pglite-init <data-dir> [template.tar.gz]');
const pglite = await PGlite.create({
  dataDir,
  ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
});
await pglite.close();
