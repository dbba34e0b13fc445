// No imports: the build (web/build/route-preloads.ts) reads this file as well as the SPA.

/** The session check every page opens with (router/index.ts). */
export const SESSION_URL = '/api/v1/auth/session';

/**
 * API answers a page asks for as it opens, with the very URL the SPA requests: the server names them in
 * that page's index.html (`<link rel="preload" as="fetch">`), so the browser fetches them beside the
 * entry script instead of after the view's code arrived. Only answers that do not depend on the URL's
 * query or on who is signed in belong here.
 */
export const DATA_PRELOADS: Record<string, readonly string[]> = {
  '/territorio': ['/api/v1/territory/comuni', '/api/v1/territory/outlines', '/api/v1/territory/funds', '/api/v1/analytics/needs'],
};

/** Where the router sends a signed-in visitor of the front door (router/index.ts). */
export const SIGNED_IN_FRONT_DOOR = '/opportunita';

/** The names of the comuni an associated office serves, asked for by the session check (stores/session.ts). */
export const AGGREGATION_MEMBERS_URL = '/api/v1/comuni?aggregation={aggregation}&limit=100';

/**
 * The API answers a page opens with, written into its index.html by the server (server/src/plugins/
 * first-answers.ts), so that the page is drawn as the scripts run, with no request of its own: the
 * URLs the SPA asks for when the page is opened without a query, `{comune}` standing for the comune
 * the user looks at when nothing else was chosen (stores/comune.ts: the first of theirs by name). A
 * guess that misses costs nothing but the request the page then makes; tests/e2e/first-answers-journey.test.ts
 * checks that these pages make none.
 */
export const FIRST_ANSWERS: Record<string, readonly string[]> = {
  '/': ['/api/v1/calls?status=aperto&status=in_scadenza&status=in_arrivo&sort=deadline&limit=9'],
  '/opportunita': [
    '/api/v1/themes',
    '/api/v1/comuni/{comune}/opportunities?status=aperto&status=in_scadenza&status=in_arrivo&sort=score&limit=12&offset=0',
    '/api/v1/comuni/{comune}/opportunities?verdict=near_miss&limit=50',
    '/api/v1/comuni/{comune}/applications?limit=100&offset=0',
  ],
};
