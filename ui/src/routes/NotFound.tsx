// Any address the app does not know.
import { A } from '@solidjs/router';
import { t } from '../i18n/i18n.ts';

export default function NotFound() {
  return (
    <section class="page">
      <h1>{t('notFound.title')}</h1>
      <A href="/">{t('nav.boards')}</A>
    </section>
  );
}
