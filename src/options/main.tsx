import { render } from 'preact';
import { localizePage } from '../shared/i18n';
import { Options } from './Options';

localizePage('optionsTitle');
render(<Options />, document.getElementById('app')!);
