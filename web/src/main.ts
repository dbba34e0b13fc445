import { createApp } from 'vue';
import { createPinia } from 'pinia';
import './styles/theme.scss';
import './styles/fonts.css';
import './styles/app.css';
import App from './App.vue';
import { router } from './router/index';
import { mountInStages } from './composables/firstLoad';
import { keepScrollRegionsFocusable } from './composables/scrollRegions';

const app = createApp(App).use(createPinia()).use(router);
// Built once the first page is known (a private page waits for the session check, asked for by
// index.html beside the scripts). A failed first navigation still shows the header, the footer and
// whatever the router drew.
void router
  .isReady()
  .catch(() => undefined)
  .then(async () => {
    const root = document.getElementById('app')!;
    keepScrollRegionsFocusable(root);
    await mountInStages(app, root);
  });
