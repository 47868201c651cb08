import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequestListener } from './listener';
import { acceptsBrotli, createBrotliStatic } from './static-brotli';

let server: Server | undefined;
afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

const SCRIPT = `(globalThis.TURBOPACK ||= []).push(${JSON.stringify('x'.repeat(5000))});\n`;

/** The production listener with a build folder holding one script and one style sheet; Next is a stand-in. */
async function serve(options: { warm: boolean } = { warm: true }): Promise<string> {
  const dist = mkdtempSync(path.join(os.tmpdir(), 'lb-static-'));
  mkdirSync(path.join(dist, 'static', 'chunks'), { recursive: true });
  writeFileSync(path.join(dist, 'static', 'chunks', 'abc123.js'), SCRIPT);
  writeFileSync(path.join(dist, 'static', 'chunks', 'abc123.css'), 'body{margin:0}');
  writeFileSync(path.join(dist, 'secret.json'), '{"not":"served"}');
  const assets = createBrotliStatic(path.join(dist, 'static'));
  if (options.warm) expect(await assets.warm()).toBe(2);
  server = createServer(
    createRequestListener({
      rest: (req, res) => res.writeHead(200, { 'x-answered-by': 'next' }).end(`next: ${req.url}`),
      webhookDeps: () => Promise.reject(new Error('not used')),
      onWebhookError: () => {},
      staticAssets: assets.serve,
    }),
  );
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** A raw GET (fetch would decode the body and hide the encoding), with the path sent as written. */
function get(base: string, pathname: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: pathname, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the build\'s scripts in brotli at the production server', () => {
  it('sends a script in brotli to a browser that accepts it, immutable, and the same bytes decoded', async () => {
    const base = await serve();
    const response = await get(base, '/_next/static/chunks/abc123.js', 'gzip, deflate, br, zstd');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toBe('application/javascript; charset=UTF-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(brotliDecompressSync(response.body).toString()).toBe(SCRIPT);
    expect(response.body.length).toBeLessThan(SCRIPT.length / 10);
    // The second request is served from memory, identical.
    const again = await get(base, '/_next/static/chunks/abc123.js?v=1', 'br');
    expect(again.body.equals(response.body)).toBe(true);
    const css = await get(base, '/_next/static/chunks/abc123.css', 'br');
    expect([css.headers['content-encoding'], brotliDecompressSync(css.body).toString()]).toEqual(['br', 'body{margin:0}']);
  });

  it('answers a file the warm-up has not reached through Next (no request waits for brotli), and in brotli once ready', async () => {
    const base = await serve({ warm: false });
    const first = await get(base, '/_next/static/chunks/abc123.js', 'br');
    expect([first.headers['x-answered-by'], first.headers['content-encoding']]).toEqual(['next', undefined]);
    await expect.poll(async () => (await get(base, '/_next/static/chunks/abc123.js', 'br')).headers['content-encoding']).toBe('br');
    const later = await get(base, '/_next/static/chunks/abc123.js', 'br');
    expect(brotliDecompressSync(later.body).toString()).toBe(SCRIPT);
  });

  it('leaves to Next a browser without brotli, a missing file, a path out of the folder, and other files', async () => {
    const base = await serve();
    for (const [pathname, encoding] of [
      ['/_next/static/chunks/abc123.js', 'gzip, deflate'],
      ['/_next/static/chunks/abc123.js', 'br;q=0, gzip'],
      ['/_next/static/chunks/abc123.js', undefined],
      ['/_next/static/chunks/missing.js', 'br'],
      ['/_next/static/..%2Fsecret.json', 'br'],
      ['/_next/static/%2e%2e/%2e%2e/package.json.js', 'br'],
      ['/_next/static/chunks/abc123.map', 'br'],
      ['/api/health', 'br'],
    ] as const) {
      const response = await get(base, pathname, encoding);
      expect([pathname, encoding, response.headers['x-answered-by'], response.headers['content-encoding']]).toEqual([pathname, encoding, 'next', undefined]);
    }
  });

  it('reads Accept-Encoding as RFC 9110 does: br listed, and not with q=0', () => {
    expect(acceptsBrotli('gzip, deflate, br, zstd')).toBe(true);
    expect(acceptsBrotli('BR;q=0.5')).toBe(true);
    expect(acceptsBrotli(['gzip', 'br'])).toBe(true);
    expect(acceptsBrotli('br;q=0')).toBe(false);
    expect(acceptsBrotli('br;q=0.0, gzip')).toBe(false);
    expect(acceptsBrotli('brotli, gzip')).toBe(false);
    expect(acceptsBrotli(undefined)).toBe(false);
  });
});
