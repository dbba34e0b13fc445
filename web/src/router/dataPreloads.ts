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
