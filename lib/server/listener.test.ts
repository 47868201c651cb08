import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestLogFields } from '@/lib/request-context';
import { createRequestListener } from './listener';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** The production listener with a stand-in for Next that answers what it saw: the header and the log fields. */
async function serve(): Promise<string> {
  server = createServer(
    createRequestListener({
      rest: async (req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ header: req.headers['x-request-id'], log: requestLogFields() }));
      },
      webhookDeps: () => Promise.reject(new Error('not used')),
      onWebhookError: () => {},
    }),
  );
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('request ids at the production server', () => {
  it("answers with the caller's well-formed x-request-id, and every log line of the request carries it", async () => {
    const url = await serve();
    const response = await fetch(`${url}/api/me`, { headers: { 'x-request-id': 'lb-proxy-0001' } });
    expect(response.headers.get('x-request-id')).toBe('lb-proxy-0001');
    expect(await response.json()).toEqual({ header: 'lb-proxy-0001', log: { requestId: 'lb-proxy-0001' } });
  });

  it('gives a request without one, or with a malformed one, a new id of its own', async () => {
    const url = await serve();
    const ids: string[] = [];
    const asked: Array<Record<string, string>> = [{}, { 'x-request-id': 'has space and "quotes"' }, {}];
    for (const headers of asked) {
      const response = await fetch(`${url}/installed`, { headers });
      const body = (await response.json()) as { header: string; log: { requestId: string } };
      expect(body.header).toBe(response.headers.get('x-request-id'));
      expect(body.log.requestId).toBe(body.header);
      ids.push(body.header);
    }
    expect(new Set(ids).size).toBe(3);
    expect(ids).not.toContain('has space and "quotes"');
  });
});
