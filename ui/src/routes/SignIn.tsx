// The sign-in page: email and password; on success back to where the person was going.
import { useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { api, ApiError, unwrap } from '../data/api.ts';
import { session } from '../data/session.ts';
import { errorMessage } from '../i18n/error-message.ts';
import { t } from '../i18n/i18n.ts';

export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const [busy, setBusy] = createSignal(false);
  const [failure, setFailure] = createSignal<string>();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setFailure(undefined);
    try {
      const me = await unwrap(
        api.auth['sign-in'].$post({
          json: { email: String(form.get('email')), password: String(form.get('password')) },
        }),
      );
      session.signedIn(me);
      const next = params.next?.startsWith('/') && !params.next.startsWith('//') ? params.next : '/';
      navigate(next, { replace: true });
    } catch (error) {
      setFailure(error instanceof ApiError && error.status === 401 ? t('error.signIn') : errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p class="muted">{t('app.tagline')}</p>
      <form onSubmit={submit} class="stack">
        <label class="field">
          <span>{t('signIn.email')}</span>
          <input name="email" type="email" autocomplete="username" required />
        </label>
        <label class="field">
          <span>{t('signIn.password')}</span>
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <Show when={failure()}>
          <p class="form-error" role="alert">
            {failure()}
          </p>
        </Show>
        <button type="submit" class="button-primary" disabled={busy()}>
          {busy() ? t('signIn.busy') : t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
