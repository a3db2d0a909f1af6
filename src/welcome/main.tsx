import { render } from 'preact';
import { localizePage } from '../shared/i18n';
import { Welcome } from './Welcome';

localizePage('welcomeTitle');
render(<Welcome />, document.getElementById('app')!);
