// Types of registry.generated.js, which bin/plugin-ui-registry.mjs writes from PLUGINS when the UI is built.
import type { PluginUi } from './api.ts';

/** Each configured plugin's UI module by its PLUGINS entry, imported only once the server says it loaded. */
export type PluginUiRegistry = Record<string, () => Promise<{ default: PluginUi }>>;

export declare const pluginUiModules: PluginUiRegistry;
