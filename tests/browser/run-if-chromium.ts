// `npm test` runs the browser tests too when the machine has Chromium (always on CI, where a missing
// Chromium is an error rather than a reason to skip).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './browser.ts';

if (!existsSync(CHROMIUM_PATH)) {
  if (process.env.CI) {
    console.error(`Browser tests need Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or apt-get install chromium).`);
    process.exit(1);
  }
  console.log(
    `No Chromium at ${CHROMIUM_PATH}: browser tests not run (npm run test:ui runs them; apt-get install chromium).`,
  );
  process.exit(0);
}
const run = spawnSync('npm', ['run', 'test:ui'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
