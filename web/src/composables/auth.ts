import { api, unwrap, type BodyOf, type QueryOf } from '@/api/client';

// The auth feature of the API: signing in, invitations, passwords and the people who use the product.

/** How one can sign in here (password, the single sign-on provider). */
export const getSignInMethods = () => unwrap(api.GET('/api/v1/auth/methods'));
export const acceptInvitation = (token: string, password: string) => unwrap(api.POST('/api/v1/invitations/accept', { body: { token, password } }));
export const acceptInvitationWithOidc = (token: string) => unwrap(api.POST('/api/v1/auth/oidc/invitation', { body: { token } }));
export const requestPasswordReset = (email: string) => unwrap(api.POST('/api/v1/auth/password-reset', { body: { email } }));
export const confirmPasswordReset = (token: string, password: string) => unwrap(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }));

// The administrators' side: people, their comuni, invitations.
export const listUsers = (query: QueryOf<'/api/v1/users'>) => unwrap(api.GET('/api/v1/users', { params: { query } }));
export const getUser = (id: string) => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } } }));
export const createUser = (body: BodyOf<'/api/v1/users', 'post'>) => unwrap(api.POST('/api/v1/users', { body }));
export const updateUser = (id: string, body: BodyOf<'/api/v1/users/{id}', 'put'>) => unwrap(api.PUT('/api/v1/users/{id}', { params: { path: { id } }, body }));
export const grantMembership = (id: string, comuneIstat: string) => unwrap(api.POST('/api/v1/users/{id}/memberships', { params: { path: { id } }, body: { comuneIstat } }));
export const revokeMembership = (id: string, membershipId: string) => unwrap(api.DELETE('/api/v1/users/{id}/memberships/{membershipId}', { params: { path: { id, membershipId } } }));
export const listInvitations = (query: QueryOf<'/api/v1/invitations'>) => unwrap(api.GET('/api/v1/invitations', { params: { query } }));
export const invite = (body: BodyOf<'/api/v1/invitations', 'post'>) => unwrap(api.POST('/api/v1/invitations', { body }));
