// A test plugin that fails to load (it needs a core that does not exist yet): the people who manage the
// organisation are told, and its UI (ui.tsx) never shows.
import { definePlugin } from '#plugin-api';

export default definePlugin({
  id: 'too-new',
  name: { 'zh-CN': '太新的插件', en: 'Too new' },
  version: '1.0.0',
  core: '^9.0',
});
