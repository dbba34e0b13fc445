import { createHmac } from 'node:crypto';
import { outboundFetch } from '../../plugins/outbound.ts';

/** `sha256=<hex>`: HMAC-SHA256 of the exact body with the endpoint's secret (verify before parsing). */
export const webhookSignature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export const SIGNATURE_HEADER = 'x-cruscotto-signature-256';
const TIMEOUT_MS = 10_000;

export interface WebhookRequest {
  url: string;
  secret: string;
  event: string;
  deliveryId: string;
  body: string;
  allowPrivateNetworks: boolean;
}

/** Posts one signed delivery; resolves with the HTTP status, throws (in Italian) on anything but 2xx. */
export async function postWebhook(request: WebhookRequest): Promise<number> {
  // A redirect is not followed: it comes back as a 3xx, which is not an acceptance.
  const response = await outboundFetch(request.url, {
    method: 'POST',
    allowPrivateNetworks: request.allowPrivateNetworks,
    timeoutMs: TIMEOUT_MS,
    maxBytes: 0,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Cruscotto-Webhooks/1',
      'x-cruscotto-event': request.event,
      'x-cruscotto-delivery': request.deliveryId,
      [SIGNATURE_HEADER]: webhookSignature(request.secret, request.body),
    },
    body: request.body,
  });
  if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}: il destinatario non ha accettato la consegna`);
  return response.status;
}
