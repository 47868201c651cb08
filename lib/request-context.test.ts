import { describe, expect, it } from 'vitest';
import { currentRequest, noteStoreHash, requestIdFrom, requestLogFields, runInRequest, withinRequest } from './request-context';

describe('request ids', () => {
  it("keeps a proxy's well-formed id and replaces anything else with a new one", () => {
    expect(requestIdFrom('lb-7f3a9c21')).toBe('lb-7f3a9c21');
    expect(requestIdFrom('Root=1-67891233-abcdef012345678912345678')).not.toBe('Root=1-67891233-abcdef012345678912345678'); // '=' is not kept
    for (const bad of [null, undefined, '', 'short', 'a\nfake log line', 'x'.repeat(65), ['lb-7f3a9c21', 'lb-other-id']]) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(requestIdFrom(null)).not.toBe(requestIdFrom(null));
  });
});

describe('the request context', () => {
  it('follows the work of a request across awaits and timers, with the store once it is known', async () => {
    expect(requestLogFields()).toEqual({});
    const seen = await runInRequest({ requestId: 'req-00000001' }, async () => {
      const before = requestLogFields();
      await new Promise((resolve) => setTimeout(resolve, 5));
      noteStoreHash('abc123');
      const later = await new Promise((resolve) => setImmediate(() => resolve(requestLogFields())));
      return { before, later };
    });
    expect(seen).toEqual({ before: { requestId: 'req-00000001' }, later: { requestId: 'req-00000001', storeHash: 'abc123' } });
    expect(requestLogFields()).toEqual({});
  });

  it('keeps two requests in flight apart', async () => {
    const one = runInRequest({ requestId: 'req-00000001' }, async () => {
      noteStoreHash('store-one');
      await new Promise((resolve) => setTimeout(resolve, 10));
      return requestLogFields();
    });
    const two = runInRequest({ requestId: 'req-00000002' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      noteStoreHash('store-two');
      return requestLogFields();
    });
    expect(await Promise.all([one, two])).toEqual([
      { requestId: 'req-00000001', storeHash: 'store-one' },
      { requestId: 'req-00000002', storeHash: 'store-two' },
    ]);
  });

  it("a route handler joins the server's context, or under next dev starts one from the request's header", () => {
    const request = new Request('http://app.test/api/me', { headers: { 'x-request-id': 'from-proxy-01' } });
    expect(runInRequest({ requestId: 'from-server-1' }, () => withinRequest(request, () => currentRequest()?.requestId))).toBe('from-server-1');
    expect(withinRequest(request, () => currentRequest()?.requestId)).toBe('from-proxy-01');
    noteStoreHash('outside'); // outside a request: nothing to note it on
    expect(currentRequest()).toBeUndefined();
  });
});
