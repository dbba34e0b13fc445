import { hmac, safeEqual } from './secrets.ts';

export const TRACKED_LINK_PATH = '/api/v1/r/alert';

const signature = (secret: string, path: string) => hmac(secret, `alert-link:${path}`);

/**
 * An alert e-mail's link to a page of the Cruscotto, through a signed redirect that counts the click
 * (no pixel, no third party, nothing about who clicked). Links elsewhere stay as they are.
 */
export function trackedLink(publicBaseUrl: string, secret: string, link: string): string {
  const target = new URL(link, publicBaseUrl);
  if (target.origin !== new URL(publicBaseUrl).origin) return link;
  const path = `${target.pathname}${target.search}`;
  const tracked = new URL(TRACKED_LINK_PATH, publicBaseUrl);
  tracked.searchParams.set('to', path);
  tracked.searchParams.set('s', signature(secret, path));
  return tracked.toString();
}

/** The page a signed link leads to, or null when it was not signed by us or leaves the site. */
export function trackedTarget(secret: string, to: string, signed: string): string | null {
  if (!to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return null;
  return safeEqual(signed, signature(secret, to)) ? to : null;
}
