import { describe, expect, it } from 'vitest';
import { readRequestBody } from './read-body';

const limits = { maxBytes: 10, timeoutMs: 200 };

/** A body stream that yields the given chunks, then (unless `end`) never ends; counts the chunks pulled from it. */
function streamed(chunks: string[], end = true) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled];
      if (next === undefined) {
        if (end) controller.close();
        return new Promise(() => undefined);
      }
      pulled += 1;
      controller.enqueue(new TextEncoder().encode(next));
    },
  }, { highWaterMark: 0 });
  const request = new Request('http://app/x', { method: 'POST', body, duplex: 'half' } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('reading a request body within limits', () => {
  it('reads a body up to the limit exactly', async () => {
    const read = await readRequestBody(streamed(['12345', '67890']).request, limits);
    expect(read.ok && new TextDecoder().decode(read.bytes)).toBe('1234567890');
  });

  it('stops at the first chunk past the limit and leaves the rest unread', async () => {
    const body = streamed(['12345', '678901', 'never', 'read']);
    const read = await readRequestBody(body.request, limits);
    expect(read).toEqual({ ok: false, error: { kind: 'TooLarge', message: 'The body is larger than 10 bytes.' } });
    expect(body.pulled()).toBe(2);
  });

  it('refuses a declared Content-Length over the limit without reading a byte', async () => {
    const request = new Request('http://app/x', { method: 'POST', body: '1', headers: { 'content-length': '11' } });
    expect(await readRequestBody(request, limits)).toMatchObject({ ok: false, error: { kind: 'TooLarge' } });
  });

  it('cuts a body still arriving at the deadline', async () => {
    const started = Date.now();
    const read = await readRequestBody(streamed(['1'], false).request, limits);
    expect(read).toMatchObject({ ok: false, error: { kind: 'Timeout' } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
