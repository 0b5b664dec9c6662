// Dates, numbers and money in the person's language, with Intl (formatters kept per language).
import { locale } from './i18n.ts';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  const id = `${locale()}|${key}`;
  let formatter = cache.get(id);
  if (!formatter) {
    formatter = make();
    cache.set(id, formatter);
  }
  return formatter as T;
}

export const formatDate = (iso: string) =>
  cached('date', () => new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric' })).format(new Date(iso));
export const formatDateTime = (iso: string) =>
  cached(
    'datetime',
    () =>
      new Intl.DateTimeFormat(locale(), {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      }),
  ).format(new Date(iso));
export const formatNumber = (n: number) => cached('number', () => new Intl.NumberFormat(locale())).format(n);
export const formatMoney = (n: number, currency = 'CNY') =>
  cached(`money-${currency}`, () => new Intl.NumberFormat(locale(), { style: 'currency', currency })).format(n);
export const formatPercent = (n: number) =>
  cached('percent', () => new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 })).format(
    n / 100,
  );
export const formatList = (items: string[]) => new Intl.ListFormat(locale(), { type: 'conjunction' }).format(items);

/** "in 3 hours", "2 days ago". */
export function formatRelative(iso: string, now = Date.now()): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  const rtf = cached('relative', () => new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' }));
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
  if (Math.abs(minutes) < 48 * 60) return rtf.format(Math.round(minutes / 60), 'hour');
  return rtf.format(Math.round(minutes / 1440), 'day');
}
