import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The alerts feature of the API: what a person is told, how (e-mail, feeds, webhooks) and about what.

/** The signed-in person's feeds, or a comune's shared ones; rotating gives new addresses. */
export const getMyFeeds = () => unwrap(api.GET('/api/v1/me/feeds'));
export const rotateMyFeeds = () => unwrap(api.POST('/api/v1/me/feeds/rotate'));
export const getComuneFeeds = (istat: string) => unwrap(api.GET('/api/v1/comuni/{istat}/feeds', { params: { path: { istat } } }));

export const listSavedSearches = () => unwrap(api.GET('/api/v1/me/saved-searches'));
export const saveSearch = (body: BodyOf<'/api/v1/me/saved-searches', 'post'>) => unwrap(api.POST('/api/v1/me/saved-searches', { body }));
export const deleteSavedSearch = (id: string) => unwrap(api.DELETE('/api/v1/me/saved-searches/{id}', { params: { path: { id } } }));

export const getSubscription = () => unwrap(api.GET('/api/v1/me/subscriptions'));
export const saveSubscription = (body: BodyOf<'/api/v1/me/subscriptions', 'put'>) => unwrap(api.PUT('/api/v1/me/subscriptions', { body }));
export const unsubscribe = (user: string, token: string) => unwrap(api.POST('/api/v1/alerts/unsubscribe/{user}/{token}', { params: { path: { user, token } } }));

export const listNotifications = (query: QueryOf<'/api/v1/me/notifications'>) => unwrap(api.GET('/api/v1/me/notifications', { params: { query } }));
/** Marks these notifications read, or all of them without ids. */
export const markNotificationsRead = (ids?: number[]) => unwrap(api.POST('/api/v1/me/notifications/read', { body: ids ? { ids } : {} }));

/** The calls a person follows or has muted. */
export const listFollows = () => unwrap(api.GET('/api/v1/me/follows'));
export const followCall = (callId: string, mode: 'follow' | 'mute') => unwrap(api.PUT('/api/v1/me/follows/{callId}', { params: { path: { callId } }, body: { mode } }));
export const unfollowCall = (callId: string) => unwrap(api.DELETE('/api/v1/me/follows/{callId}', { params: { path: { callId } } }));

/** A comune's webhooks: adding one gives its signing secret, once. */
export const listWebhooks = (istat: string) => unwrap(api.GET('/api/v1/comuni/{istat}/webhooks', { params: { path: { istat } } }));
export const addWebhook = (istat: string, url: string) => unwrap(api.POST('/api/v1/comuni/{istat}/webhooks', { params: { path: { istat } }, body: { url } }));
export const testWebhook = (istat: string, id: string) => unwrap(api.POST('/api/v1/comuni/{istat}/webhooks/{id}/test', { params: { path: { istat, id } } }));
export const deleteWebhook = (istat: string, id: string) => unwrap(api.DELETE('/api/v1/comuni/{istat}/webhooks/{id}', { params: { path: { istat, id } } }));

/** What went out: the mail outbox and the alert deliveries (administrators). */
export const listOutbox = (query: QueryOf<'/api/v1/mail-outbox'>) => unwrap(api.GET('/api/v1/mail-outbox', { params: { query } }));
export const listDeliveries = (query: QueryOf<'/api/v1/alert-deliveries'>) => unwrap(api.GET('/api/v1/alert-deliveries', { params: { query } }));
