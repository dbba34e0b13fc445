import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../../server/src/plugins/db/embedded.ts';

export interface SpidAccount {
  sub: string;
  fiscalNumber: string;
  name: string;
  acr: string;
}

/** A real OpenID Provider on loopback whose accounts carry SPID-like claims; logins are decided by the test. */
export async function startSpidLikeProvider(clients: { clientId: string; clientSecret: string; redirectUri: string }[]) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, SpidAccount>();
  let nextLogin: SpidAccount | undefined;

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [c.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    })),
    pkce: { required: () => true },
    acrValues: ['https://www.spid.gov.it/SpidL1', 'https://www.spid.gov.it/SpidL2', 'https://www.spid.gov.it/SpidL3'],
    claims: { openid: ['sub'], profile: ['name', 'fiscal_number'], acr: null },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: async () => ({ sub, name: account.name, fiscal_number: account.fiscalNumber }) } : undefined;
    },
  } as ConstructorParameters<typeof Provider>[1]);
  const callback = provider.callback();

  const server: Server = createServer(async (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      const account = nextLogin!;
      const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params.client_id) });
      grant.addOIDCScope('openid profile email');
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account.sub, acr: account.acr }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    callback(req, res);
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));

  return {
    issuer,
    addAccount(account: SpidAccount) {
      accounts.set(account.sub, account);
    },
    /** Who signs in at the provider for the next authorization request. */
    willLogIn(account: SpidAccount) {
      nextLogin = account;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Follows the provider's redirects like a browser until it sends us back to `callbackPrefix`. */
export async function followToCallback(authorizationUrl: string, callbackPrefix: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(callbackPrefix)) return url;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, value] = pair!.split('=');
      cookies.set(name!, value ?? '');
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider stopped at ${url} with ${res.status}: ${await res.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
