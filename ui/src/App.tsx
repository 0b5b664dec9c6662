// The application shell: top bar (navigation with plugins' entries, inbox with its live unread count,
// language, the person and sign-out) around every signed-in screen, and the notice of plugins that are not
// working for those who manage the organisation; anyone not signed in is sent to the sign-in page.
import { A, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, For, Show } from 'solid-js';
import { Icon } from './components/Icon.tsx';
import { Toasts } from './components/Toasts.tsx';
import { api, unwrap, whenSignedOut } from './data/api.ts';
import { inbox } from './data/inbox.ts';
import { session } from './data/session.ts';
import { LOCALES, locale, nameOf, setLocale, t, type Locale } from './i18n/i18n.ts';
import { text } from './plugins/api.ts';
import { PluginNotice } from './plugins/PluginNotice.tsx';
import { plugins } from './plugins/plugin-slots.ts';

function LiveInbox() {
  inbox.connect();
  return null;
}

export function Shell(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const onSignIn = () => location.pathname === '/sign-in';
  whenSignedOut(() => {
    session.signedOut();
  });
  createEffect(() => {
    if (session.me.state === 'ready' && session.me() === null && !onSignIn()) {
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  });
  const signOut = async () => {
    await unwrap(api.auth['sign-out'].$post()).catch(() => undefined);
    session.signedOut();
    navigate('/sign-in', { replace: true });
  };
  const canApprove = () => session.me()?.permissions.includes('tasks.approve') ?? false;

  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="topbar">
        <A href="/" class="brand" end aria-label="Dutyboard">
          <span class="logo" aria-hidden="true">
            ▦
          </span>
          <span class="brand-name">Dutyboard</span>
        </A>
        <Show when={session.me()}>
          <nav class="nav" aria-label={t('nav.main')}>
            <A href="/" end>
              {t('nav.boards')}
            </A>
            <A href="/me">{t('nav.me')}</A>
            <Show when={canApprove()}>
              <A href="/approvals">{t('nav.approvals')}</A>
            </Show>
            <For each={plugins.filling('navigation')}>
              {(contribution) => (
                <A href={`/plugins/${contribution.plugin}`} data-plugin={contribution.plugin}>
                  {text(contribution.ui.navigation!.label)}
                </A>
              )}
            </For>
            <span class="nav-later" aria-disabled="true">
              {t('nav.org')}
            </span>
          </nav>
        </Show>
        <div class="topbar-end">
          <Show when={session.me()}>
            <LiveInbox />
            <A
              href="/inbox"
              class="inbox-button"
              aria-label={`${t('nav.inbox')}: ${t('inbox.unread', { n: inbox.unread() })}`}
            >
              <Icon name="bell" size={16} />
              <span class="inbox-label">{t('nav.inbox')}</span>
              <Show when={inbox.unread() > 0}>
                <span class="badge" data-testid="unread">
                  {inbox.unread()}
                </span>
              </Show>
            </A>
          </Show>
          <label class="language">
            <span class="visually-hidden">{t('language.label')}</span>
            <select
              value={locale()}
              onChange={(event) => setLocale(event.currentTarget.value as Locale)}
              aria-label={t('language.label')}
              data-testid="language"
            >
              <For each={Object.entries(LOCALES)}>{([id, { label }]) => <option value={id}>{label}</option>}</For>
            </select>
          </label>
          <Show when={session.me()}>
            {(me) => (
              <div class="person">
                <span class="person-name" data-testid="person-name">
                  {me().displayName}
                </span>
                <span class="person-roles">
                  {me()
                    .roles.map((role) => nameOf(role.name))
                    .join(' · ')}
                </span>
                <button type="button" class="button-quiet" onClick={signOut}>
                  {t('nav.signOut')}
                </button>
              </div>
            )}
          </Show>
        </div>
      </header>
      <main id="main" tabindex="-1">
        <PluginNotice />
        <Show when={onSignIn() || session.me()} fallback={<p class="loading">{t('app.loading')}</p>}>
          {props.children}
        </Show>
      </main>
      <Toasts />
    </div>
  );
}
