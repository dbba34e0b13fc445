import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The alerts feature of the API: what a person is told, how (e-mail, feeds, webhooks) and about what.

/** The signed-in person's feeds, or a comune's shared ones; rotating gives new addresses. */
export const getMyFeeds = () => unwrap(api.GET('/me/feeds'));
export const rotateMyFeeds = () => unwrap(api.POST('/me/feeds/rotate'));
export const getComuneFeeds = (istat: string) => unwrap(api.GET('/comuni/{istat}/feeds', { params: { path: { istat } } }));

export const listSavedSearches = () => unwrap(api.GET('/me/saved-searches'));
export const saveSearch = (body: BodyOf<'/me/saved-searches', 'post'>) => unwrap(api.POST('/me/saved-searches', { body }));
export const deleteSavedSearch = (id: string) => unwrap(api.DELETE('/me/saved-searches/{id}', { params: { path: { id } } }));

export const getSubscription = () => unwrap(api.GET('/me/subscriptions'));
export const saveSubscription = (body: BodyOf<'/me/subscriptions', 'put'>) => unwrap(api.PUT('/me/subscriptions', { body }));
export const unsubscribe = (user: string, token: string) => unwrap(api.POST('/alerts/unsubscribe/{user}/{token}', { params: { path: { user, token } } }));

export const listNotifications = (query: QueryOf<'/me/notifications'>) => unwrap(api.GET('/me/notifications', { params: { query } }));
/** Marks these notifications read, or all of them without ids. */
export const markNotificationsRead = (ids?: number[]) => unwrap(api.POST('/me/notifications/read', { body: ids ? { ids } : {} }));

/** The calls a person follows or has muted. */
export const listFollows = () => unwrap(api.GET('/me/follows'));
export const followCall = (callId: string, mode: 'follow' | 'mute') => unwrap(api.PUT('/me/follows/{callId}', { params: { path: { callId } }, body: { mode } }));
export const unfollowCall = (callId: string) => unwrap(api.DELETE('/me/follows/{callId}', { params: { path: { callId } } }));

/** A comune's webhooks: adding one gives its signing secret, once. */
export const listWebhooks = (istat: string) => unwrap(api.GET('/comuni/{istat}/webhooks', { params: { path: { istat } } }));
export const addWebhook = (istat: string, url: string) => unwrap(api.POST('/comuni/{istat}/webhooks', { params: { path: { istat } }, body: { url } }));
export const testWebhook = (istat: string, id: string) => unwrap(api.POST('/comuni/{istat}/webhooks/{id}/test', { params: { path: { istat, id } } }));
export const deleteWebhook = (istat: string, id: string) => unwrap(api.DELETE('/comuni/{istat}/webhooks/{id}', { params: { path: { istat, id } } }));

/** What went out: the mail outbox and the alert deliveries (administrators). */
export const listOutbox = (query: QueryOf<'/mail-outbox'>) => unwrap(api.GET('/mail-outbox', { params: { query } }));
export const listDeliveries = (query: QueryOf<'/alert-deliveries'>) => unwrap(api.GET('/alert-deliveries', { params: { query } }));
