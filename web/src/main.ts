import { createApp } from 'vue';
import { createPinia } from 'pinia';
import './styles/theme.scss';
import './styles/fonts.css';
import './styles/app.css';
import App from './App.vue';
import { router } from './router/index';
import { keepScrollRegionsFocusable } from './composables/scrollRegions';

const app = createApp(App).use(createPinia()).use(router);
// Drawn once the first page is known (a private page waits for the session check, asked for by
// index.html beside the scripts): the header alone is never painted first, then the page in a second pass.
// A failed first navigation still shows the header, the footer and whatever the router drew.
void router
  .isReady()
  .catch(() => undefined)
  .then(() => {
    app.mount('#app');
    keepScrollRegionsFocusable(document.getElementById('app')!);
  });
