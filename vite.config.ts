// Builds the Solid UI from ui/ into dist/ui, which the server serves; `npm run dev` proxies /api to it.
// First it writes the plugin UI registry for the configured PLUGINS (bin/plugin-ui-registry.mjs).
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';
import { writePluginUiRegistry } from './bin/plugin-ui-registry.mjs';

const api = `http://127.0.0.1:${process.env.PORT ?? 8787}`;

const pluginUiRegistry: Plugin = {
  name: 'dutyboard:plugin-ui-registry',
  buildStart: () => void writePluginUiRegistry(),
};

export default defineConfig({
  root: 'ui',
  plugins: [pluginUiRegistry, solid()],
  build: { outDir: '../dist/ui', emptyOutDir: true },
  server: {
    // The server takes changes only from its own origin (core/http/request-guards.ts): the dev proxy
    // passes requests and live sockets on as if they came from it.
    proxy: { '/api': { target: api, ws: true, headers: { origin: api } } },
  },
});
