// Where the project's folders are, from the running code: core/ when run from source (tsx, tests),
// dist/server/ when run from the bundle `npm start` builds (bin/prepare.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundled = here.endsWith(path.join('dist', 'server'));

export const projectRoot = path.resolve(here, bundled ? '../..' : '..');
/** The built UI the server serves. */
export const uiDir = path.join(projectRoot, 'dist', 'ui');
/**
 * A script the server runs as a child process, named by its source under core/ ('db/pglite-init'):
 * the bundle's own copy next to it (bin/prepare.mjs bundles it as an entry of its own), or the source.
 */
export const serverScript = (source: string): string =>
  bundled ? path.join(here, `${path.basename(source)}.mjs`) : path.join(projectRoot, 'core', `${source}.ts`);
/** The migrated empty database bin/prepare.mjs builds once, copied into a new DATA_DIR. */
export const pgliteTemplate = {
  data: path.join(projectRoot, 'dist', 'pglite', 'template.tar.gz'),
  info: path.join(projectRoot, 'dist', 'pglite', 'template.json'),
};
