import { lookup as resolve, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { excerpt } from '../shared/excerpt.ts';
import { isPrivateAddress } from './private-address.ts';

/**
 * The one way the server sends requests to addresses that users and sources give it (webhooks,
 * ingestion): http(s) only, never into loopback or private networks unless
 * OUTBOUND_ALLOW_PRIVATE_NETWORKS, checked on the address actually connected to (so a name that
 * comes to resolve elsewhere after it was saved, or a redirect, cannot get in), with a deadline
 * and a cap on the body read.
 */

/** Why an outgoing request was refused or failed, in Italian and safe to show. */
export class OutboundError extends Error {
  override name = 'OutboundError';
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  allowPrivateNetworks: boolean;
  /** For the whole exchange: redirects and body included. */
  timeoutMs: number;
  /** Largest body read: past it reading stops and the request fails. 0: the body is not read. */
  maxBytes: number;
  /** Redirects a GET follows, each target checked again (a POST gets the 3xx itself). */
  maxRedirects?: number;
}

export interface OutboundResponse {
  /** Where the answer came from, after redirects. */
  url: string;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const privateNetwork = (host: string, address: string) =>
  `L’indirizzo ${host === address ? host : `${host} (${address})`} è in una rete privata o locale: il Cruscotto non vi invia richieste (OUTBOUND_ALLOW_PRIVATE_NETWORKS).`;

/** The URL, or why it cannot be the target of a request (in Italian). */
export function parseTarget(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Indirizzo non valido: serve un URL completo, ad esempio https://www.esempio.it/percorso.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Sono ammessi solo indirizzi http o https.';
  return url;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Why a request to this URL would be refused (in Italian), or null. Resolves the name now, to tell
 * whoever saves the address; requests check again when they connect.
 */
export async function outboundTargetProblem(raw: string, allowPrivateNetworks: boolean): Promise<string | null> {
  const url = parseTarget(raw);
  if (typeof url === 'string') return url;
  if (allowPrivateNetworks) return null;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host)
      ? [host]
      : await new Promise<string[]>((done, fail) => resolve(host, { all: true }, (error, found) => (error ? fail(error) : done(found.map((a) => a.address)))));
  } catch {
    return `Il nome ${host} non si risolve in nessun indirizzo.`;
  }
  const refused = addresses.find(isPrivateAddress);
  return refused === undefined ? null : privateNetwork(host, refused);
}

/** DNS resolution that fails when a name leads to any private address: used as the socket's lookup. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) return callback(new OutboundError(privateNetwork(hostname, refused.address)), '', 0);
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** A target that may be requested: http(s), and not a private address written out as an IP. */
function checkedTarget(raw: string, allowPrivateNetworks: boolean, context = ''): URL {
  const url = parseTarget(raw);
  if (typeof url === 'string') throw new OutboundError(context + url);
  const host = hostOf(url);
  // A literal address is connected to without any lookup: it is checked here.
  if (!allowPrivateNetworks && isIP(host) && isPrivateAddress(host)) throw new OutboundError(context + privateNetwork(host, host));
  return url;
}

/** Where a redirect leads, checked like the first target. */
function redirectTarget(location: string, from: URL, allowPrivateNetworks: boolean): URL {
  let href: string;
  try {
    href = new URL(location, from).href;
  } catch {
    throw new OutboundError('reindirizzamento verso un indirizzo non valido');
  }
  return checkedTarget(href, allowPrivateNetworks, 'reindirizzamento rifiutato: ');
}

function exchange(url: URL, request: OutboundRequest, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((done, fail) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const options = { method: request.method ?? 'GET', headers: request.headers, signal, agent: false as const };
    const outgoing = send(url, request.allowPrivateNetworks ? options : { ...options, lookup: guardedLookup }, done);
    outgoing.on('error', fail);
    outgoing.end(request.body);
  });
}

const tooLarge = (maxBytes: number) => new OutboundError(`la risposta supera il limite di ${maxBytes.toLocaleString('it-IT')} byte: lettura interrotta`);

/** The body, read chunk by chunk and dropped as soon as it passes the cap. */
async function readCapped(response: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  if (maxBytes === 0 || Number(response.headers['content-length']) > maxBytes) {
    response.destroy();
    if (maxBytes === 0) return new Uint8Array();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

async function follow(raw: string, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResponse> {
  let url = checkedTarget(raw, request.allowPrivateNetworks);
  const maxRedirects = (request.method ?? 'GET') === 'GET' ? (request.maxRedirects ?? MAX_REDIRECTS) : 0;
  for (let hop = 0; ; hop++) {
    const response = await exchange(url, request, signal);
    const location = REDIRECTS.has(response.statusCode ?? 0) && maxRedirects > 0 ? response.headers.location : undefined;
    if (location === undefined) {
      const body = await readCapped(response, request.maxBytes);
      return { url: url.href, status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, body };
    }
    response.destroy();
    if (hop >= maxRedirects) throw new OutboundError(`troppi reindirizzamenti (più di ${maxRedirects})`);
    url = redirectTarget(location, url, request.allowPrivateNetworks);
  }
}

/** Sends one request through the guard; throws OutboundError (in Italian) when refused or failed. */
export async function outboundFetch(raw: string, request: OutboundRequest): Promise<OutboundResponse> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    return await follow(raw, request, signal);
  } catch (error) {
    if (error instanceof OutboundError) throw error;
    if (signal.aborted) throw new OutboundError(`nessuna risposta completa entro ${(request.timeoutMs / 1000).toLocaleString('it-IT')} s`);
    throw new OutboundError(`connessione non riuscita (${excerpt(error instanceof Error ? error.message : String(error), 120)})`);
  }
}
