/**
 * A local stand-in for the Inngest dev server (`npx inngest-cli dev`), for the demo, tests and CI where
 * the real server cannot be installed. It speaks the part of the dev server's API that the `inngest` SDK
 * uses and drives apps through the published SDK protocol. Never for production: see README.md.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z, ZodError } from 'zod';
import { createEngine, type RunSummary } from './engine';
import { bearerMatches, signatureFor } from './signing';

export type { RunStatus, RunSummary } from './engine';

export interface InngestStandInOptions {
  /** Default 8288 like the dev server; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Apps to sync, like `inngest dev -u <url>`: each is PUT until it registers, then re-synced. */
  appUrls?: string[];
  /** Multiplies sleeps, retry backoff, timeouts and cron intervals (0.001 turns a minute into 60 ms). */
  timeScale?: number;
  /** How often synced apps are PUT again, in milliseconds (default 5000, like the dev server's poll). */
  pollIntervalMs?: number;
  /** Maximum simultaneous calls to apps, like `--queue-workers` (default 100). */
  workers?: number;
  log?: (line: string) => void;
  /**
   * Run as a signing server, as Inngest Cloud or a self-hosted `inngest start` does (what the app talks to in
   * production, where INNGEST_DEV is refused): every call to an app is signed with this key (signing.ts), an app
   * registers only with it (hashed) as its bearer token, and events are accepted only under `eventKey`. The app is
   * then configured with INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY and INNGEST_BASE_URL=<the stand-in's url>.
   */
  signing?: { signingKey: string; eventKey: string };
}

export interface InngestStandIn {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Resolves once no run is Running (sleeping and waiting runs count as running). */
  waitForIdle(timeoutMs?: number): Promise<void>;
  runs(): RunSummary[];
  sendEvent(event: EventPayload | EventPayload[]): Promise<{ ids: string[] }>;
  /** Runs a cron-triggered function now; returns the run id. */
  tick(functionId: string): string;
  /** PUTs an app URL (or every configured one) now and resolves once it has registered. */
  sync(appUrl?: string): Promise<void>;
  apps(): ReturnType<ReturnType<typeof createEngine>['apps']>;
}

export type EventPayload = { name: string; data?: Record<string, unknown>; id?: string; ts?: number };

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startInngestStandIn(options: InngestStandInOptions = {}): Promise<InngestStandIn> {
  const log = options.log ?? (() => {});
  const signing = options.signing;
  const serverKind = signing ? 'cloud' : 'dev';
  const authHeaders = signing
    ? (body: string): Record<string, string> => ({ 'x-inngest-signature': signatureFor(body, signing.signingKey), 'x-inngest-server-kind': 'cloud' })
    : undefined;
  const reply = (res: http.ServerResponse, status: number, body: unknown) => send(res, status, body, serverKind);
  const engine = createEngine({ timeScale: options.timeScale ?? 1, workers: options.workers ?? 100, log, authHeaders });
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof ZodError || err instanceof SyntaxError ? 400 : 500;
      const message = err instanceof ZodError ? z.prettifyError(err) : (err as Error).message;
      if (status === 500) log(`error: ${req.method} ${req.url}: ${message}`);
      reply(res, status, { error: message, status });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /fn/register') {
      // The SDK forwards our x-inngest-server-kind as the kind it expects (SDK_SPEC 4.3.2).
      if (signing && !bearerMatches(req.headers.authorization, signing.signingKey)) {
        return reply(res, 401, { error: 'Unauthorized: register with the hashed signing key' });
      }
      if (!signing && req.headers['x-inngest-expected-server-kind'] === 'cloud') {
        return reply(res, 400, { error: 'This app expects Inngest Cloud, but this is a dev server' });
      }
      const { modified } = engine.register(await readJson(req));
      return reply(res, 200, { ok: true, modified });
    }
    if (req.method === 'POST' && /^\/e\/[^/]*$/.test(url.pathname)) {
      // Any event key is accepted, as the dev server does (a signing server only its own); the answer has the shape
      // the SDK parses.
      if (signing && url.pathname !== `/e/${signing.eventKey}`) return reply(res, 401, { error: 'Unknown event key', status: 401 });
      return reply(res, 200, { ids: engine.ingest(await readJson(req)), status: 200 });
    }
    if (route === 'GET /__standin/runs') {
      const functionId = url.searchParams.get('functionId');
      const status = url.searchParams.get('status');
      const runs = engine
        .runs()
        .filter((r) => (!functionId || r.functionId === functionId) && (!status || r.status === status));
      return reply(res, 200, { runs });
    }
    const runMatch = /^\/__standin\/runs\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && runMatch?.[1]) {
      const run = engine.run(runMatch[1]);
      return run ? reply(res, 200, run) : reply(res, 404, { error: 'No such run' });
    }
    if (route === 'GET /__standin/apps') return reply(res, 200, { apps: engine.apps() });
    if (route === 'GET /__standin/events') return reply(res, 200, { events: engine.events(), received: engine.received() });
    if (route === 'POST /__standin/idle') {
      const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? 30_000);
      try {
        await engine.waitForIdle(timeoutMs);
        return reply(res, 200, { idle: true });
      } catch (err) {
        return reply(res, 408, { idle: false, error: (err as Error).message });
      }
    }
    const cronMatch = /^\/__standin\/cron\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && cronMatch?.[1]) return reply(res, 200, { runId: engine.tick(cronMatch[1]) });
    if (route === 'POST /__standin/sync') {
      await Promise.all(syncTargets.map((t) => syncApp(t)));
      return reply(res, 200, { apps: syncTargets.map(({ url: appUrl, synced }) => ({ url: appUrl, synced })) });
    }
    if (route === 'GET /' || route === 'GET /health') {
      return reply(res, 200, { name: 'inngest-standin', apps: engine.apps().length, runs: engine.runs().length });
    }
    // Checkpointing from async (event- and cron-triggered) runs: inngest/inngest pkg/api/apiv1/checkpoint.go mounts
    // `POST /{runID}/async` under /v1/checkpoint (and the beta prefix /v1/http/runs). The SDK authenticates it as it
    // does every API call, with the hashed signing key as its bearer token (inngest SDK api/api.js, `req`).
    const checkpointMatch = /^\/v1\/(?:checkpoint|http\/runs)\/([^/]+)\/async$/.exec(url.pathname);
    if (req.method === 'POST' && checkpointMatch?.[1]) {
      if (signing && !bearerMatches(req.headers.authorization, signing.signingKey)) {
        return reply(res, 401, { error: 'Unauthorized', status: 401 });
      }
      const result = engine.checkpointAsync(decodeURIComponent(checkpointMatch[1]), await readJson(req));
      if (result.status === 200) {
        // The API writes nothing on success: 200 with an empty body.
        res.writeHead(200, { 'x-inngest-server-kind': serverKind });
        return void res.end();
      }
      return reply(res, result.status, { error: result.error, status: result.status });
    }
    // The sync checkpoint API (`POST /v1/checkpoint`, `/v1/checkpoint/{runId}/steps`: runs an SDK starts itself,
    // durable endpoints) and the REST API are absent: see README.md.
    log(`not implemented: ${route}`);
    return reply(res, 404, { error: `The local Inngest stand-in does not implement ${route}` });
  }

  // ---- app sync (like `inngest dev -u`) ---------------------------------------------------------
  type SyncTarget = { url: string; synced: boolean; lastSync: number; inFlight?: Promise<void> };
  const syncTargets: SyncTarget[] = (options.appUrls ?? []).map((url) => ({ url, synced: false, lastSync: 0 }));
  const pollIntervalMs = options.pollIntervalMs ?? 5000;

  /** A PUT makes the SDK POST its functions to /fn/register (SDK_SPEC 4.3). */
  function syncApp(target: SyncTarget, timeoutMs = 60_000): Promise<void> {
    target.inFlight ??= (async () => {
      try {
        const res = await fetch(target.url, {
          method: 'PUT',
          headers: { 'x-inngest-server-kind': serverKind },
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`sync of ${target.url} failed: HTTP ${res.status} ${text.slice(0, 200)}`);
        if (!target.synced) log(`synced ${target.url}`);
        target.synced = true;
      } catch (err) {
        if (target.synced) log(`re-sync of ${target.url} failed: ${(err as Error).message}`);
        target.synced = false;
        throw err;
      } finally {
        target.lastSync = Date.now();
        target.inFlight = undefined;
      }
    })();
    return target.inFlight;
  }
  const poller = setInterval(() => {
    for (const target of syncTargets) {
      const due = !target.synced || Date.now() - target.lastSync >= pollIntervalMs;
      if (due && !target.inFlight) syncApp(target).catch(() => {});
    }
  }, 1000);
  poller.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8288, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`Inngest stand-in listening on ${baseUrl}`);
  // A first attempt now, so apps that are already up are registered when this resolves.
  await Promise.all(syncTargets.map((t) => syncApp(t, 10_000).catch(() => {})));

  return {
    url: baseUrl,
    port,
    async close() {
      clearInterval(poller);
      engine.close();
      // Calls to the app already sent are answered before close resolves: a test tears its database down next, and a
      // step still running there would meet a database that is gone (an unhandled error that fails a run whose
      // tests all passed).
      await engine.waitForQuiet(10_000);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    waitForIdle: (timeoutMs) => engine.waitForIdle(timeoutMs),
    runs: () => engine.runs(),
    sendEvent: async (event) => ({ ids: engine.ingest(event) }),
    tick: (functionId) => engine.tick(functionId),
    async sync(appUrl) {
      if (appUrl && !syncTargets.some((t) => t.url === appUrl)) {
        syncTargets.push({ url: appUrl, synced: false, lastSync: 0 });
      }
      await Promise.all(syncTargets.filter((t) => !appUrl || t.url === appUrl).map((t) => syncApp(t)));
    },
    apps: () => engine.apps(),
  };
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function send(res: http.ServerResponse, status: number, body: unknown, serverKind: 'dev' | 'cloud' = 'dev'): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'x-inngest-server-kind': serverKind });
  res.end(JSON.stringify(body));
}
