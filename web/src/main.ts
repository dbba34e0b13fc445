import { createApp } from 'vue';
import { createPinia } from 'pinia';
import './styles/theme.scss';
import './styles/fonts.css';
import './styles/app.css';
import App from './App.vue';
import { router } from './router/index';
import { keepScrollRegionsFocusable } from './composables/scrollRegions';

createApp(App).use(createPinia()).use(router).mount('#app');
keepScrollRegionsFocusable(document.getElementById('app')!);
