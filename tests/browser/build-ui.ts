// Global setup of the browser tests: builds the UI they drive, its plugin registry holding the browser
// tests' plugins. A server that does not load them (most tests) shows nothing of theirs.
import { build } from 'vite';

export const BROWSER_TEST_PLUGINS = [
  './plugins/after-sales',
  './plugins/promotion',
  './plugins/examples/warehouse',
  './tests/browser/plugins/slot-probe',
  './tests/browser/plugins/too-new',
];

export default async function buildUi(): Promise<void> {
  const before = process.env.PLUGINS;
  process.env.PLUGINS = BROWSER_TEST_PLUGINS.join(',');
  try {
    await build({ logLevel: 'warn' });
  } finally {
    if (before === undefined) delete process.env.PLUGINS;
    else process.env.PLUGINS = before;
  }
}
