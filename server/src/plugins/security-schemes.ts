/**
 * How a client proves who it is, as the OpenAPI document declares it. Which of these an operation
 * accepts is derived from its declared access rule (`modules/auth`), never written by hand.
 */
export const SECURITY_SCHEMES = {
  oidcSession: {
    type: 'openIdConnect',
    openIdConnectUrl: 'https://cruscotto.example.org/.well-known/openid-configuration',
    description:
      "Sessione personale. L'accesso avviene con OpenID Connect presso l'identity provider configurato dall'installazione " +
      "(OIDC_ISSUER; l'indirizzo qui è d'esempio) o con e-mail e password (POST /auth/login): il server imposta allora il " +
      'cookie HttpOnly `cruscotto_session`, che il browser invia da sé a ogni richiesta.',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      'Token contro le richieste contraffatte: ogni richiesta che modifica (POST, PUT, PATCH, DELETE) fatta con la sessione ' +
      "personale, e l'accesso stesso, porta il token ottenuto da GET /auth/csrf.",
  },
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'Token API opaco (Authorization: Bearer …), creato da un amministratore o da un RTD per i sistemi che si integrano; ' +
      'identità di macchina, mai di una persona: non vale per le operazioni personali né per gestire account e token.',
  },
} as const;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;
/** One way to satisfy an operation: every scheme named must be present (an empty one: no credentials). */
export type SecurityRequirement = Partial<Record<SecuritySchemeName, []>>;
