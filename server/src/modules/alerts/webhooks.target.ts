import { outboundTargetProblem, parseTarget } from '../../plugins/outbound.ts';

/**
 * Why a webhook cannot be sent to this address (in Italian), or null: http(s) only, no credentials
 * in the URL, and, unless allowed, nothing that resolves to loopback or a private network.
 */
export async function webhookTargetProblem(raw: string, allowPrivateNetworks: boolean): Promise<string | null> {
  const url = parseTarget(raw);
  if (typeof url === 'string') return url;
  if (url.username || url.password) return 'Non inserire credenziali nell’indirizzo: la firma HMAC autentica ogni consegna.';
  return outboundTargetProblem(raw, allowPrivateNetworks);
}
