import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The auth feature of the API: signing in, invitations, passwords and the people who use the product.

/** How one can sign in here (password, the single sign-on provider). */
export const getSignInMethods = () => unwrap(api.GET('/auth/methods'));
export const acceptInvitation = (token: string, password: string) => unwrap(api.POST('/invitations/accept', { body: { token, password } }));
export const acceptInvitationWithOidc = (token: string) => unwrap(api.POST('/auth/oidc/invitation', { body: { token } }));
export const requestPasswordReset = (email: string) => unwrap(api.POST('/auth/password-reset', { body: { email } }));
export const confirmPasswordReset = (token: string, password: string) => unwrap(api.POST('/auth/password-reset/confirm', { body: { token, password } }));

// The administrators' side: people, their comuni, invitations.
export const listUsers = (query: QueryOf<'/users'>) => unwrap(api.GET('/users', { params: { query } }));
export const getUser = (id: string) => unwrap(api.GET('/users/{id}', { params: { path: { id } } }));
export const createUser = (body: BodyOf<'/users', 'post'>) => unwrap(api.POST('/users', { body }));
export const updateUser = (id: string, body: BodyOf<'/users/{id}', 'put'>) => unwrap(api.PUT('/users/{id}', { params: { path: { id } }, body }));
export const grantMembership = (id: string, comuneIstat: string) => unwrap(api.POST('/users/{id}/memberships', { params: { path: { id } }, body: { comuneIstat } }));
export const revokeMembership = (id: string, membershipId: string) => unwrap(api.DELETE('/users/{id}/memberships/{membershipId}', { params: { path: { id, membershipId } } }));
export const listInvitations = (query: QueryOf<'/invitations'>) => unwrap(api.GET('/invitations', { params: { query } }));
export const invite = (body: BodyOf<'/invitations', 'post'>) => unwrap(api.POST('/invitations', { body }));
