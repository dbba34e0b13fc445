import * as client from 'openid-client';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../../plugins/config.ts';
import type { Database } from '../../plugins/db/schema.ts';
import { DomainError, type ErrorKind } from '../../shared/domain-errors.ts';
import { randomToken } from '../../shared/secrets.ts';

type OidcConfig = NonNullable<Config['oidc']>;
const FLOW_MINUTES = 10;

let discovered: { key: string; configuration: Promise<client.Configuration> } | undefined;

/** Discovery is done once per issuer and client, then reused. */
export function oidcConfiguration(oidc: OidcConfig): Promise<client.Configuration> {
  const key = `${oidc.issuer} ${oidc.clientId}`;
  if (discovered?.key !== key) {
    const insecure = oidc.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : undefined;
    const configuration = client.discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret, undefined, insecure);
    configuration.catch(() => (discovered = undefined));
    discovered = { key, configuration };
  }
  return discovered.configuration;
}

/** SPID levels compare by their number (SpidL1 < SpidL2 < SpidL3); any other value must match exactly. */
export function acrSatisfies(actual: string | undefined, minimum: string | undefined): boolean {
  if (!minimum) return true;
  if (!actual) return false;
  const level = (value: string) => /L(\d)$/.exec(value)?.[1];
  const [a, m] = [level(actual), level(minimum)];
  return a !== undefined && m !== undefined ? Number(a) >= Number(m) : actual === minimum;
}

export async function beginFlow(db: Kysely<Database>, oidc: OidcConfig, redirectUri: string, invitationTokenHash: string | null) {
  const configuration = await oidcConfiguration(oidc);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const browserBinding = randomToken();
  await db
    .insertInto('oidc_flows')
    .values({ state, nonce, code_verifier: codeVerifier, browser_binding: browserBinding, invitation_token_hash: invitationTokenHash })
    .execute();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(oidc.minAcr ? { acr_values: oidc.minAcr } : {}),
  });
  return { url, browserBinding };
}

const refused = (kind: ErrorKind, code: string, detail: string) => new DomainError(kind, code, detail);

/**
 * Completes the code flow: the state must be one we issued to this very browser, and is used once;
 * PKCE, nonce, issuer, audience and signature are checked by openid-client.
 */
export async function completeFlow(db: Kysely<Database>, oidc: OidcConfig, callbackUrl: URL, browserBinding: string | undefined) {
  const state = callbackUrl.searchParams.get('state') ?? '';
  const flow = await db
    .deleteFrom('oidc_flows')
    .where('state', '=', state)
    .where('created_at', '>', sql<Date>`now() - make_interval(mins => ${FLOW_MINUTES})`)
    .returningAll()
    .executeTakeFirst();
  if (!flow || !browserBinding || flow.browser_binding !== browserBinding) {
    throw refused('invalid_request', 'OIDC_STATE_INVALID', "La richiesta di accesso non è valida o è scaduta: riprova l'accesso con SPID o CIE.");
  }
  const configuration = await oidcConfiguration(oidc);
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: flow.code_verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch {
    throw refused('unauthenticated', 'OIDC_LOGIN_FAILED', "Il fornitore di identità non ha confermato l'accesso. Riprova.");
  }
  if (!claims) throw refused('unauthenticated', 'OIDC_LOGIN_FAILED', "Il fornitore di identità non ha confermato l'accesso. Riprova.");
  if (!acrSatisfies(typeof claims.acr === 'string' ? claims.acr : undefined, oidc.minAcr)) {
    throw refused(
      'forbidden',
      'OIDC_ACR_TOO_LOW',
      "Il livello di sicurezza dell'identità digitale usata non è sufficiente: accedi con SPID di livello 2 o con CIE.",
    );
  }
  return { issuer: claims.iss, subject: claims.sub, invitationTokenHash: flow.invitation_token_hash };
}
