// A test plugin for the browser tests: nothing on the server; its UI (ui.tsx) fills the other slots.
import { definePlugin } from '#plugin-api';

export default definePlugin({
  id: 'slot-probe',
  name: { 'zh-CN': '插槽探针', en: 'Slot probe' },
  version: '0.1.0',
  core: '^0.1',
});
