// The application shell: product name, language switch and server status. Later pages fill the main area.
import { For, Show } from 'solid-js';
import { createHealth } from './data/health.ts';
import { locale, setLocale, t } from './i18n/i18n.ts';
import { LOCALES, type Locale } from './i18n/messages.ts';

export function App() {
  const health = createHealth();
  const statusText = () => {
    if (health.loading && health() === undefined) return t('health.checking');
    const value = health();
    if (!value) return t('health.unreachable');
    return value.status === 'ok' ? t('health.ok') : t('health.unavailable');
  };
  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">▦</span>
          <h1>Dutyboard</h1>
          <span class="tagline">{t('app.tagline')}</span>
        </div>
        <label class="language">
          <span>{t('language.label')}</span>
          <select value={locale()} onChange={(event) => setLocale(event.currentTarget.value as Locale)}>
            <For each={Object.entries(LOCALES)}>{([id, { label }]) => <option value={id}>{label}</option>}</For>
          </select>
        </label>
      </header>
      <main>
        <section class="health" aria-live="polite">
          <h2>{t('health.title')}</h2>
          <p class="status" data-status={health()?.status ?? 'unknown'}>
            {statusText()}
          </p>
          <Show when={health()}>
            {(value) => (
              <dl>
                <dt>{t('health.database')}</dt>
                <dd data-testid="database">{value().database}</dd>
                <dt>{t('health.schema')}</dt>
                <dd>{value().schemaVersion}</dd>
                <dt>{t('health.uptime')}</dt>
                <dd>{t('units.seconds', { n: value().uptimeSeconds })}</dd>
              </dl>
            )}
          </Show>
        </section>
      </main>
    </div>
  );
}
