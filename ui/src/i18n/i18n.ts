// The current language as a signal: the person's choice (remembered), else the organisation's language
// when it is Chinese, else the browser's. `t` fills a message's {placeholders}.
import { createSignal } from 'solid-js';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const LOCALES = { 'zh-CN': { label: '中文', messages: zhCN }, en: { label: 'English', messages: en } } as const;
export type Locale = keyof typeof LOCALES;
export type { MessageKey };

const STORAGE_KEY = 'dutyboard.locale';
const stored = (): Locale | null => {
  const value = localStorage.getItem(STORAGE_KEY);
  return value && value in LOCALES ? (value as Locale) : null;
};

const [locale, setLocaleSignal] = createSignal<Locale>(
  stored() ?? (navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'),
);
export { locale };

function apply(next: Locale): void {
  document.documentElement.lang = next;
  setLocaleSignal(next);
}

export function setLocale(next: Locale): void {
  localStorage.setItem(STORAGE_KEY, next);
  apply(next);
}

/** The organisation's language decides until the person chooses one. */
export function organisationLocale(tag: string | null): void {
  if (stored() || !tag) return;
  if (tag.toLowerCase().startsWith('zh')) apply('zh-CN');
}

export function hasMessage(key: string): key is MessageKey {
  return key in en;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = LOCALES[locale()].messages[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** A display name from the roles file: plain text, or one per language. */
export type DisplayName = string | Record<string, string>;

export function nameOf(name: DisplayName | null | undefined): string {
  if (name === null || name === undefined) return '';
  if (typeof name === 'string') return name;
  const wanted = locale();
  return name[wanted] ?? name[wanted.split('-')[0]!] ?? name['zh-CN'] ?? name.en ?? Object.values(name)[0] ?? '';
}
