// Types of bin/plugin-ui-registry.mjs for the TypeScript that imports it (vite.config.ts).
export const REGISTRY_FILE: string;
export function configuredPlugins(env?: Record<string, string | undefined>): string[];
export function uiModuleOf(entry: string, cwd?: string): { specifier: string; source: string | null } | null;
export function registryText(entries: string[], cwd?: string): string;
export function writePluginUiRegistry(entries?: string[], cwd?: string): string;
