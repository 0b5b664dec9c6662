// `npm start`: builds what changed since the last build (usually nothing), then runs the server bundle
// in this process.
import { prepare } from './prepare.mjs';

await prepare();
await import('../dist/server/main.mjs');
