// A stand-in for the app's side of the callbacks, for the sandbox's own tests: it exchanges codes like a real
// app would and records every callback it receives.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeApp {
  url: string;
  received: ReceivedCallback[];
  /** Token responses the auth callback got from the sandbox. */
  exchanges: Array<{ status: number; body: unknown }>;
  /** How the auth callback behaves: exchange the code (default), skip the exchange, or answer 500. */
  mode: 'exchange' | 'no-exchange' | 'fail';
  /** Overrides sent in the token exchange body (e.g. a wrong secret). */
  exchangeOverrides: Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeApp(options: {
  sandboxUrl: () => string;
  clientId: string;
  clientSecret: string;
  form?: boolean;
}): Promise<FakeApp> {
  const state = {
    received: [] as ReceivedCallback[],
    exchanges: [] as Array<{ status: number; body: unknown }>,
    mode: 'exchange' as FakeApp['mode'],
    exchangeOverrides: {} as Record<string, string>,
  };
  let selfUrl = '';
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://app.local');
      const query = Object.fromEntries(url.searchParams);
      state.received.push({ path: url.pathname, query, headers: req.headers });
      if (url.pathname === '/api/bigcommerce/auth') {
        if (state.mode === 'fail') {
          res.writeHead(500, { 'content-type': 'text/html' }).end('<p>broken</p>');
          return;
        }
        if (state.mode === 'exchange') {
          const payload: Record<string, string> = {
            client_id: options.clientId,
            client_secret: options.clientSecret,
            code: query.code ?? '',
            context: query.context ?? '',
            scope: query.scope ?? '',
            grant_type: 'authorization_code',
            redirect_uri: `${selfUrl}/api/bigcommerce/auth`,
            ...state.exchangeOverrides,
          };
          const tokenRes = await fetch(`${options.sandboxUrl()}/oauth2/token`, {
            method: 'POST',
            headers: options.form
              ? { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
              : { 'content-type': 'application/json', accept: 'application/json' },
            body: options.form ? new URLSearchParams(payload).toString() : JSON.stringify(payload),
          });
          const body = (await tokenRes.json()) as unknown;
          state.exchanges.push({ status: tokenRes.status, body });
          if (!tokenRes.ok) {
            res.writeHead(502, { 'content-type': 'text/html' }).end('<p>token exchange failed</p>');
            return;
          }
        }
        res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="installed">Installed</h1>');
        return;
      }
      if (url.pathname === '/api/bigcommerce/load') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="loaded">Loaded</h1>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  selfUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app: FakeApp = {
    url: selfUrl,
    get received() {
      return state.received;
    },
    get exchanges() {
      return state.exchanges;
    },
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    get exchangeOverrides() {
      return state.exchangeOverrides;
    },
    set exchangeOverrides(o) {
      state.exchangeOverrides = o;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return app;
}
