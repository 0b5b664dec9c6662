// The one module a plugin's UI imports (as `#plugin-ui`): the named slots it can fill, what each slot's
// component is given, and `text` for its own words in both languages. Everything else in ui/ is internal.
import type { Component } from 'solid-js';
import type { BoardCard, BoardView, TaskView } from '../../../core/http/contract.ts';
import { locale } from '../i18n/i18n.ts';

export type { BoardCard, BoardView, TaskView };

export interface Bilingual {
  'zh-CN': string;
  en: string;
}

export interface CardFaceProps {
  card: BoardCard;
}
export interface CardPanelProps {
  card: TaskView;
}
export interface BoardToolbarProps {
  board: BoardView;
}

/** What a plugin's UI module exports by default. Every slot is optional. */
export interface PluginUi {
  /**
   * The task types the card slots and the board toolbar are for: card slots show on cards of these
   * types, the toolbar on boards that hold any of them. `'all'`: everywhere. Default: the plugin's own
   * types (`<plugin id>.…`).
   */
  taskTypes?: string[] | 'all';
  /** Small, on each card face on the board: the board shows thousands, so keep it cheap (no fetching). */
  cardFace?: Component<CardFaceProps>;
  /** In a card's detail panel (and its full page), below the moves. */
  cardPanel?: Component<CardPanelProps>;
  /** In a board's header, beside its name. */
  boardToolbar?: Component<BoardToolbarProps>;
  /** An entry in the top navigation that opens `page` at /plugins/<plugin id>. */
  navigation?: { label: Bilingual; page: Component };
  /** A widget, under its title, on the home page below the list of boards. */
  dashboard?: { title: Bilingual; widget: Component };
}

export type SlotName = Exclude<keyof PluginUi, 'taskTypes'>;

/** Declares a plugin's UI: the default export of its `ui.tsx` (docs/writing-a-plugin.md). */
export function definePluginUi<const T extends PluginUi>(ui: T): T {
  return ui;
}

/** The words for the language shown now; read inside JSX, it follows a change of language. */
export function text(words: Bilingual): string {
  return words[locale()];
}
