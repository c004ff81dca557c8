import { render } from 'preact';
import { App } from './components/App.jsx';
import './app.css';

render(<App />, document.getElementById('app'));
