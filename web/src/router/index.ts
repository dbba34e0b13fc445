import { createRouter, createWebHistory } from 'vue-router';
import HomeView from '../views/HomeView.vue';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: HomeView, meta: { title: 'Home' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { title: 'Pagina non trovata' } },
  ],
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · Cruscotto digitale dei comuni`;
});
