import { mount } from 'svelte';
import App from './components/App.svelte';
import './app.css';
import { appUpdate } from './state/app-update.svelte';

const app = mount(App, { target: document.getElementById('app')! });
appUpdate.register();

export default app;
