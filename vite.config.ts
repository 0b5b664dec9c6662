// Builds the Solid UI from ui/ into dist/ui, which the server serves; `npm run dev` proxies /api to it.
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

export default defineConfig({
  root: 'ui',
  plugins: [solid()],
  build: { outDir: '../dist/ui', emptyOutDir: true },
  server: { proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 8787}` } },
});
