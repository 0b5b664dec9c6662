// The current language as a signal: chosen by the user, remembered, defaulting to the browser's.
import { createSignal } from 'solid-js';
import { LOCALES, type Locale, type MessageKey } from './messages.ts';

const STORAGE_KEY = 'dutyboard.locale';

function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && stored in LOCALES) return stored as Locale;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());

export { locale };

export function setLocale(next: Locale): void {
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  setLocaleSignal(next);
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = LOCALES[locale()].messages[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
