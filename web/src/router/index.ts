import { nextTick } from 'vue';
import { createRouter, createWebHistory, START_LOCATION } from 'vue-router';
import { useSessionStore } from '@/stores/session';
import HomeView from '@/views/HomeView.vue';
import OpportunitiesView from '@/views/OpportunitiesView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    title: string;
    /** Only for signed-in users; anonymous visitors are sent to the login page. */
    private?: boolean;
    /** Only for users with this permission (editors, viewers, admins). */
    permission?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    // Anonymous visitors land on the public front door; signed-in users on their opportunities, as before.
    { path: '/', name: 'home', component: HomeView, meta: { title: 'Bandi per il digitale dei comuni' } },
    { path: '/comuni/:istat', name: 'comune', component: () => import('@/views/PublicComuneView.vue'), meta: { title: 'Bandi del comune' } },
    { path: '/accedi', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { title: 'Accedi' } },
    {
      path: '/password-dimenticata',
      name: 'password-forgotten',
      component: () => import('@/views/PasswordForgottenView.vue'),
      meta: { title: 'Password dimenticata' },
    },
    { path: '/reimposta-password', name: 'password-reset', component: () => import('@/views/PasswordResetView.vue'), meta: { title: 'Reimposta la password' } },
    { path: '/invito', name: 'invitation', component: () => import('@/views/InvitationView.vue'), meta: { title: 'Attiva il tuo accesso' } },
    { path: '/disiscrizione/:user/:token', name: 'unsubscribe', component: () => import('@/views/UnsubscribeView.vue'), meta: { title: 'Avvisi per e-mail' } },
    { path: '/opportunita', name: 'opportunities', component: OpportunitiesView, meta: { title: 'Le mie opportunità', private: true } },
    {
      path: '/tutti-i-miei-comuni',
      name: 'all-my-comuni',
      component: () => import('@/views/AllMyComuniView.vue'),
      meta: { title: 'Tutti i miei comuni', private: true },
    },
    { path: '/bandi/:id', name: 'call', component: () => import('@/views/CallDetailView.vue'), meta: { title: 'Dettaglio bando' } },
    { path: '/cerca', name: 'search', component: () => import('@/views/SearchView.vue'), meta: { title: 'Cerca bandi' } },
    { path: '/candidature', name: 'applications', component: () => import('@/views/ApplicationsView.vue'), meta: { title: 'Le mie candidature', private: true, permission: 'applications:read' } },
    { path: '/candidature/:istat/:callId', name: 'application', component: () => import('@/views/ApplicationView.vue'), meta: { title: 'Candidatura', private: true, permission: 'applications:read' } },
    { path: '/scadenze', name: 'deadlines', component: () => import('@/views/DeadlinesView.vue'), meta: { title: 'Scadenze', private: true } },
    { path: '/profilo', name: 'profile', component: () => import('@/views/ProfileView.vue'), meta: { title: 'Profilo e programmazione', private: true } },
    { path: '/avvisi', name: 'alerts', component: () => import('@/views/AlertsView.vue'), meta: { title: 'Avvisi e notifiche', private: true } },
    { path: '/redazione', name: 'editorial', component: () => import('@/views/EditorialView.vue'), meta: { title: 'Redazione', private: true, permission: 'calls:write' } },
    { path: '/redazione/bandi/nuovo', name: 'call-new', component: () => import('@/views/CallEditorView.vue'), meta: { title: 'Nuovo bando', private: true, permission: 'calls:write' } },
    { path: '/redazione/bandi/:id', name: 'call-edit', component: () => import('@/views/CallEditorView.vue'), meta: { title: 'Modifica bando', private: true, permission: 'calls:write' } },
    { path: '/redazione/fonti', name: 'sources', component: () => import('@/views/SourcesView.vue'), meta: { title: 'Fonti e importazioni', private: true, permission: 'ingest:run' } },
    { path: '/copertura', name: 'coverage', component: () => import('@/views/CoverageView.vue'), meta: { title: 'Copertura', private: true, permission: 'analytics:read' } },
    { path: '/territorio', name: 'territory', component: () => import('@/views/TerritoryView.vue'), meta: { title: 'Territorio', private: true, permission: 'analytics:read' } },
    { path: '/indicatori', name: 'indicators', component: () => import('@/views/IndicatorsView.vue'), meta: { title: 'Indicatori', private: true, permission: 'analytics:read' } },
    { path: '/amministrazione', name: 'admin', component: () => import('@/views/AdminView.vue'), meta: { title: 'Amministrazione', private: true, permission: 'users:manage' } },
    { path: '/come-calcoliamo', name: 'method', component: () => import('@/views/MethodView.vue'), meta: { title: 'Come calcoliamo pertinenza e importi' } },
    { path: '/privacy', name: 'privacy', component: () => import('@/views/LegalView.vue'), meta: { title: 'Informativa sulla privacy' } },
    { path: '/note-legali', name: 'legal', component: () => import('@/views/LegalView.vue'), meta: { title: 'Note legali' } },
    { path: '/accessibilita', name: 'accessibility', component: () => import('@/views/LegalView.vue'), meta: { title: 'Dichiarazione di accessibilità' } },
    { path: '/non-autorizzato', name: 'forbidden', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'Accesso non consentito' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'Pagina non trovata' } },
  ],
  // The first page of a visit keeps the browser's own scroll position: scrolling it would force a layout
  // of the page being drawn.
  scrollBehavior: (_to, from, saved) => saved ?? (from === START_LOCATION ? false : { top: 0 }),
});

router.beforeEach(async (to) => {
  const session = useSessionStore();
  const checked = session.ensureLoaded();
  if (to.meta.private || to.meta.permission || session.maybeSignedIn()) await checked;
  else
    void checked.then(
      () => session.me && landAgain(),
      () => undefined,
    );
  // A signed-in user's front door is their opportunities.
  if (to.name === 'home' && session.me) return { name: 'opportunities' };
  if (to.meta.private && !session.me) return { name: 'login', query: { next: to.fullPath } };
  if (to.meta.permission && !session.can(to.meta.permission)) return { name: 'forbidden' };
  return true;
});

/**
 * Someone the session check found signed in after their page was drawn (back from SPID/CIE in a fresh
 * browser): the navigation guard runs again on the current page, so the front door sends them on.
 */
function landAgain() {
  const here = router.currentRoute.value;
  return router.replace({ path: here.fullPath, force: true });
}

/** The page's heading, once the view has rendered it (some wait for their data). */
async function headingOf(page: string): Promise<HTMLElement | null> {
  await nextTick();
  for (let waited = 0; waited < 3000; waited += 50) {
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading || router.currentRoute.value.fullPath !== page) return heading;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

/** After a route change the page's heading takes the focus, so screen readers start from it. */
router.afterEach(async (to, from) => {
  document.title = `${to.meta.title} · Cruscotto digitale dei comuni`;
  if (from.matched.length === 0 || to.path === from.path) return;
  const heading = await headingOf(to.fullPath);
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
});
