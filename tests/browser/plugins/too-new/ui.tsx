// Would add a navigation entry, if the server had loaded the plugin.
import { definePluginUi } from '#plugin-ui';

export default definePluginUi({
  navigation: { label: { 'zh-CN': '不该出现', en: 'Must not show' }, page: () => <p>—</p> },
});
