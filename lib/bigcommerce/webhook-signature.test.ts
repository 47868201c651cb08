import { describe, expect, it } from 'vitest';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { checkWebhookSignature, signatureHeadersOf, type SignatureHeaders } from './webhook-signature';

const CLIENT_SECRET = 'app-client-secret';
const NOW_S = 1_765_000_000;
const body = JSON.stringify({ scope: 'store/order/created', store_id: '1', data: { type: 'order', id: 5 }, hash: 'h', created_at: NOW_S, producer: 'stores/abc' });

function headersFor(text: string, options: { id?: string; timestampS?: number; secret?: string } = {}): SignatureHeaders {
  const h = signedWebhookHeaders(text, options.secret ?? CLIENT_SECRET, { id: options.id ?? 'msg_1', timestampS: options.timestampS ?? NOW_S });
  return { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] };
}
const check = (headers: SignatureHeaders, rawBody = body, nowS = NOW_S) => checkWebhookSignature({ clientSecret: CLIENT_SECRET, headers, rawBody, nowMs: nowS * 1000 });

describe('Standard Webhooks signature of a BigCommerce delivery', () => {
  it('accepts the signature of the body, id and timestamp made with the client secret', () => {
    expect(check(headersFor(body))).toBeNull();
    // Within 5 minutes either way of our clock.
    expect(check(headersFor(body), body, NOW_S + 300)).toBeNull();
    expect(check(headersFor(body), body, NOW_S - 300)).toBeNull();
  });

  it('refuses a tampered body, id, timestamp or signature, and another secret', () => {
    const good = headersFor(body);
    expect(check(good, body.replace('"id":5', '"id":6'))).toBe('bad_signature');
    expect(check({ ...good, id: 'msg_2' })).toBe('bad_signature');
    expect(check({ ...good, timestamp: String(NOW_S + 1) })).toBe('bad_signature');
    const sig = Buffer.from(good.signature!.slice(3), 'base64');
    sig[0] = sig[0]! ^ 1;
    expect(check({ ...good, signature: `v1,${sig.toString('base64')}` })).toBe('bad_signature');
    expect(check(headersFor(body, { secret: 'another-app-secret' }))).toBe('bad_signature');
    expect(check({ ...good, signature: good.signature!.replace('v1,', 'v1a,') })).toBe('bad_signature');
    expect(check({ ...good, signature: 'v1,' })).toBe('bad_signature');
    expect(check({ ...good, timestamp: `${NOW_S}.0` })).toBe('bad_signature');
  });

  it('refuses a replay (or a clock) more than 5 minutes away, even correctly signed', () => {
    expect(check(headersFor(body, { timestampS: NOW_S - 301 }))).toBe('stale_signature');
    expect(check(headersFor(body, { timestampS: NOW_S + 301 }))).toBe('stale_signature');
  });

  it('refuses a delivery without the three headers', () => {
    const good = headersFor(body);
    for (const missing of ['id', 'timestamp', 'signature'] as const) expect(check({ ...good, [missing]: null })).toBe('unsigned');
  });

  it('accepts when any of several space-separated signatures matches (a secret rotation at the sender)', () => {
    const good = headersFor(body);
    const other = headersFor(body, { secret: 'old-secret' }).signature!;
    expect(check({ ...good, signature: `${other} v1a,AAAA ${good.signature}` })).toBeNull();
  });

  it('reads the headers from a web Request or from Node’s headers object alike', () => {
    const request = new Request('http://x', { headers: { 'Webhook-Id': 'a', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' } });
    expect(signatureHeadersOf((n) => request.headers.get(n))).toEqual({ id: 'a', timestamp: '1', signature: 'v1,x' });
    const node: Record<string, string | string[] | undefined> = { 'webhook-id': 'a', 'webhook-timestamp': ['1', '2'] };
    expect(signatureHeadersOf((n) => node[n])).toEqual({ id: 'a', timestamp: null, signature: null });
  });
});
