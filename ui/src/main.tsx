// Mounts the Solid app with its routes: deep links for every screen, the back button working.
import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { render } from 'solid-js/web';
import { Shell } from './App.tsx';
import { locale } from './i18n/i18n.ts';
import { BoardsPage } from './routes/Boards.tsx';
import { BoardPage } from './routes/Board.tsx';
import { SignInPage } from './routes/SignIn.tsx';
import './styles/tokens.css';
import './styles/app.css';

// Screens away from the board load when first opened, so the board ships less.
const CardPage = lazy(() => import('./routes/Card.tsx'));
const MePage = lazy(() => import('./routes/Me.tsx'));
const InboxPage = lazy(() => import('./routes/Inbox.tsx'));
const ApprovalsPage = lazy(() => import('./routes/Approvals.tsx'));
const PluginPage = lazy(() => import('./plugins/PluginPage.tsx'));
const NotFound = lazy(() => import('./routes/NotFound.tsx'));

document.documentElement.lang = locale();
render(
  () => (
    <Router root={Shell}>
      <Route path="/sign-in" component={SignInPage} />
      <Route path="/" component={BoardsPage} />
      <Route path="/boards/:id" component={BoardPage} />
      <Route path="/cards/:id" component={CardPage} />
      <Route path="/me" component={MePage} />
      <Route path="/inbox" component={InboxPage} />
      <Route path="/approvals" component={ApprovalsPage} />
      <Route path="/plugins/:id" component={PluginPage} />
      <Route path="*" component={NotFound} />
    </Router>
  ),
  document.getElementById('root')!,
);
