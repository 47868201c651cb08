import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonFetch } from './json-fetch';

let server: Server;
let base = '';
const seen: Array<{ method?: string; url?: string; headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      res.setHeader('x-rate-limit-requests-left', '149');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

describe('jsonFetch', () => {
  it('sends the method, headers and body, and answers with the status, the headers by any case and the body', async () => {
    const res = await jsonFetch(`${base}/v2/orders/1?include=fees`, { method: 'PUT', headers: { 'x-auth-token': 't', 'content-type': 'application/json' }, body: '{"status_id":9}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Rate-Limit-Requests-Left')).toBe('149');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('x-absent')).toBeNull();
    expect(JSON.parse(await res.text())).toEqual({ echo: '{"status_id":9}' });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/v2/orders/1?include=fees', body: '{"status_id":9}', headers: { 'x-auth-token': 't' } });
  });

  it('answers a refusal as fetch does (a status, not an exception)', async () => {
    const res = await jsonFetch(`${base}/missing`, { method: 'GET', headers: {} });
    expect(res.status).toBe(404);
    await res.text();
  });

  it('gives up when its signal says so, with the error fetch gives (the transport reports it as no answer in time)', async () => {
    await expect(jsonFetch(`${base}/slow`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
