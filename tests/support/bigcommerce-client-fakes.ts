/**
 * Test helpers for the client's unit tests: a virtual clock (time moves only when every task is waiting on it)
 * and a scripted fake `fetch`. Not used by production code.
 */
import type { Clock } from '@/lib/bigcommerce/client/rate-limiter';

/** Discrete-event clock: `sleep` parks the caller; `run` advances time to the next timer whenever all work is idle. */
export class VirtualClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
    });
  }

  /** Drives `work` to completion, advancing virtual time whenever nothing else can run. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    let value: T | undefined;
    let failure: unknown;
    let failed = false;
    work.then(
      (v) => {
        done = true;
        value = v;
      },
      (e: unknown) => {
        done = true;
        failed = true;
        failure = e;
      },
    );
    for (;;) {
      // Let every pending microtask and immediate run before moving time.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      if (done) break;
      if (this.timers.length === 0) throw new Error('VirtualClock: deadlock (nothing scheduled and the work is not done)');
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    if (failed) throw failure;
    return value as T;
  }
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (body === undefined || status === 204) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/**
 * A fake `fetch` answering from `handler`; every request is recorded. The handler may throw to simulate a dropped
 * connection, or return a promise that only settles on abort to simulate a timeout.
 */
export function fakeFetch(handler: (req: RecordedRequest, signal: AbortSignal | undefined) => Response | Promise<Response>) {
  const requests: RecordedRequest[] = [];
  const fetch = (async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const req: RecordedRequest = {
      method: init?.method ?? 'GET',
      url,
      headers: new Headers(init?.headers),
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
    };
    requests.push(req);
    return handler(req, init?.signal ?? undefined);
  }) satisfies typeof globalThis.fetch;
  return { fetch, requests };
}

/** A promise that never resolves on its own: it rejects like fetch does when the signal aborts. */
export function hangUntilAborted(signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason ?? new DOMException('aborted', 'AbortError')));
  });
}
