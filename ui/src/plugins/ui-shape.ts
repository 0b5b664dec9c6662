// Checks what a plugin's UI module exports before any of it renders: a typo in a slot name or a slot
// that is not a component is reported with the plugin's id instead of failing somewhere on the board.
import type { Bilingual, SlotName } from './api.ts';

export const SLOT_NAMES: readonly SlotName[] = ['cardFace', 'cardPanel', 'boardToolbar', 'navigation', 'dashboard'];

/** Why a UI module's default export is not a PluginUi, or null when it is. */
export function uiShapeProblem(ui: unknown): string | null {
  if (typeof ui !== 'object' || ui === null) return 'its default export is not definePluginUi({...})';
  for (const [key, value] of Object.entries(ui)) {
    if (key === 'taskTypes') {
      if (value !== 'all' && !(Array.isArray(value) && value.every((type) => typeof type === 'string')))
        return 'taskTypes: expected task type ids or "all"';
    } else if (!SLOT_NAMES.includes(key as SlotName)) {
      return `${key}: not a slot (slots: ${SLOT_NAMES.join(', ')})`;
    } else if (key === 'navigation' || key === 'dashboard') {
      const part = value as Record<string, unknown>;
      const [words, component] = key === 'navigation' ? [part?.label, part?.page] : [part?.title, part?.widget];
      if (
        typeof component !== 'function' ||
        typeof (words as Bilingual | undefined)?.en !== 'string' ||
        typeof (words as Bilingual)['zh-CN'] !== 'string'
      ) {
        return `${key}: expected ${key === 'navigation' ? '{label: {zh-CN, en}, page}' : '{title: {zh-CN, en}, widget}'}`;
      }
    } else if (typeof value !== 'function') {
      return `${key}: expected a Solid component`;
    }
  }
  return null;
}
