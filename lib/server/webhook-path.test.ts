import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET_HEADER, type RecordedDelivery, type WebhookDeps } from '@/lib/bigcommerce/webhooks';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { createRequestListener } from './listener';

const SECRET = 'store-secret';
const CLIENT_SECRET = 'app-client-secret';
const payload = (hash = 'h-1') =>
  JSON.stringify({ scope: 'store/order/created', store_id: '1', data: { type: 'order', id: 5 }, hash, created_at: 1_700_000_000, producer: 'stores/abc123' });

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(deps: Partial<WebhookDeps>, onError: (error: unknown) => void = () => undefined) {
  const recorded: RecordedDelivery[] = [];
  const full: WebhookDeps = {
    signingSecret: CLIENT_SECRET,
    webhookSecret: async () => ({ secret: SECRET, sealed: 'sealed' }),
    recordDelivery: async (delivery) => (recorded.push(delivery), 'recorded'),
    ...deps,
  };
  const rest = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(299, { 'x-rest': 'yes' }).end();
  server = http.createServer(createRequestListener({ rest, webhookDeps: async () => full, onWebhookError: onError }));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, recorded };
}

/** Signed over the body as text (Request.text(): a leading byte-order mark dropped), as BigCommerce signs what it sends. */
const signed = (body: BodyInit) => signedWebhookHeaders(typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array), CLIENT_SECRET);
const post = (url: string, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/webhooks/bigcommerce`, { method: 'POST', headers: { [WEBHOOK_SECRET_HEADER]: SECRET, ...signed(body), ...headers }, body });

describe('the production server’s direct webhook path', () => {
  it('takes POST /api/webhooks/bigcommerce (with or without a query) and leaves everything else to Next', async () => {
    const { url, recorded } = await serve({});
    const answered = await fetch(`${url}/api/webhooks/bigcommerce?attempt=2`, {
      method: 'POST',
      headers: { [WEBHOOK_SECRET_HEADER]: SECRET, ...signed(payload()) },
      body: payload(),
    });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ received: true, duplicate: false });
    expect(recorded.map((d) => d.hash)).toEqual(['h-1']);
    for (const [method, path] of [
      ['GET', '/api/webhooks/bigcommerce'],
      ['POST', '/api/webhooks/bigcommerce/'],
      ['POST', '/api/webhooks'],
      ['GET', '/'],
    ] as const) {
      const response = await fetch(`${url}${path}`, { method, ...(method === 'POST' ? { body: payload() } : {}) });
      expect(response.headers.get('x-rest'), `${method} ${path}`).toBe('yes');
    }
  });

  it('reads the body as Request.text() does: UTF-8, a leading byte-order mark dropped', async () => {
    const { url, recorded } = await serve({});
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(payload('h-bom'))]);
    const response = await post(url, withBom);
    expect(response.status).toBe(200);
    expect(await new Request('http://x', { method: 'POST', body: withBom }).text()).toBe(payload('h-bom'));
    expect(recorded.map((d) => d.hash)).toEqual(['h-bom']);
  });

  it('refuses a body declared too large before reading it, and closes the connection', async () => {
    const { url, recorded } = await serve({});
    const response = await post(url, 'x'.repeat(65 * 1024));
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { error: { kind: string } }).error.kind).toBe('TooLarge');
    expect(recorded).toHaveLength(0);
  });

  it('answers 500 and reports the error when the delivery cannot be recorded (BigCommerce sends it again)', async () => {
    const errors: unknown[] = [];
    const { url } = await serve(
      {
        recordDelivery: async () => {
          throw new Error('database unavailable');
        },
      },
      (error) => errors.push(error),
    );
    const response = await post(url, payload());
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { kind: string } }).error.kind).toBe('Internal');
    expect(errors.map(String)).toEqual(['Error: database unavailable']);
    // The connection and the server carry on.
    expect((await post(url, '{bad')).status).toBe(400);
  });
});
