import { render } from 'preact';

render(<main><h1>Backline settings</h1></main>, document.getElementById('app')!);
