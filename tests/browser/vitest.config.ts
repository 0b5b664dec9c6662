// Browser tests: the UI built for them (build-ui.ts) served by the real server, driven in Debian's Chromium
// (never a downloaded one).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    globalSetup: ['tests/browser/build-ui.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
