import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { guardBody } from './body-guard';
import { closeUnreadBodies } from './listener';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

/** A route that reads its whole body, as Next does ahead of a route where proxy.ts runs, and says how much it got. */
async function serve() {
  const seen: string[] = [];
  server = http.createServer((req, res) => {
    closeUnreadBodies(req, res);
    if (!guardBody(req, res)) return;
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      seen.push(`${req.url} ${size}`);
      res.end(String(size));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A body sent in chunks (no Content-Length). */
const chunked = (bytes: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes; at += 64 * 1024) controller.enqueue(new Uint8Array(Math.min(64 * 1024, bytes - at)));
      controller.close();
    },
  });
const post = (url: string, body: BodyInit) => fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit);

describe('the body guard in front of Next', () => {
  it('passes a body within 1 MiB to the route whole', async () => {
    const { url } = await serve();
    const response = await post(`${url}/api/admin/settings`, chunked(1024 * 1024));
    expect(await response.text()).toBe(String(1024 * 1024));
  });

  it('answers 413 past 1 MiB, declared or chunked, and the route never sees the end of the body', async () => {
    const { url, seen } = await serve();
    const declared = await post(`${url}/api/admin/settings`, new Uint8Array(1024 * 1024 + 1));
    expect(declared.status).toBe(413);
    const streamed = await post(`${url}/api/admin/settings`, chunked(3 * 1024 * 1024)).catch((error: unknown) => error);
    // The 413 is sent, then the connection closed while the client may still be sending: either is a refusal.
    if (streamed instanceof Response) expect(streamed.status).toBe(413);
    else expect(String((streamed as Error).cause ?? streamed)).toMatch(/ECONNRESET|EPIPE|other side closed|SocketError/);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
  });

  it('lets Inngest post a run’s state of several MB to /api/inngest', async () => {
    const { url } = await serve();
    const response = await post(`${url}/api/inngest?fnId=x`, chunked(5 * 1024 * 1024));
    expect(await response.text()).toBe(String(5 * 1024 * 1024));
  });
});
