import { createHmac } from 'node:crypto';

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
}

/** Posts one signed delivery; resolves with the HTTP status, throws (in Italian) on anything but 2xx. */
export async function postWebhook(request: WebhookRequest): Promise<number> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Cruscotto-Webhooks/1',
        'x-cruscotto-event': request.event,
        'x-cruscotto-delivery': request.deliveryId,
        [SIGNATURE_HEADER]: webhookSignature(request.secret, request.body),
      },
      body: request.body,
    });
  } catch (error) {
    const cause = error instanceof Error && error.name === 'TimeoutError' ? `nessuna risposta entro ${TIMEOUT_MS / 1000} s` : `connessione non riuscita (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
    throw new Error(cause);
  }
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}: il destinatario non ha accettato la consegna`);
  return response.status;
}
