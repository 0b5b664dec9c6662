// Mounts the Solid app.
import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { locale } from './i18n/i18n.ts';
import './styles.css';

document.documentElement.lang = locale();
render(() => <App />, document.getElementById('root')!);
