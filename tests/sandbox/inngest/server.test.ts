/**
 * The stand-in against the real `inngest` 4.x SDK: functions served with `inngest/node` on a loopback
 * port, a client in dev mode pointed at the stand-in, everything over real HTTP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inngest, NonRetriableError, RetryAfterError, type FailureEventArgs, type InngestFunction } from 'inngest';
import { serve as serveNext } from 'inngest/next';
import { serve } from 'inngest/node';
import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startInngestStandIn, type InngestStandIn, type RunSummary } from './server';

const APP_ID = 'standin-test';
/** The SDK logs every step error; the assertions below are what matters. */
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return (server.address() as AddressInfo).port;
}

/** Serves `functions` with the real SDK; returns the serve URL. */
async function serveApp(client: Inngest, functions: InngestFunction.Any[], port = 0): Promise<string> {
  const appPort = await listen(http.createServer(serve({ client, functions })), port);
  return `http://127.0.0.1:${appPort}/api/inngest`;
}

async function setup(define: (client: Inngest) => InngestFunction.Any[], timeScale = 0.001) {
  const logs: string[] = [];
  const standIn = await startInngestStandIn({ port: 0, timeScale, log: (line) => logs.push(line) });
  cleanups.push(() => standIn.close());
  const client = new Inngest({ id: APP_ID, isDev: true, baseUrl: standIn.url, logger: silent });
  const appUrl = await serveApp(client, define(client));
  await standIn.sync(appUrl);
  return { standIn, client, appUrl, logs };
}

const runsOf = (standIn: InngestStandIn, fnId: string): RunSummary[] =>
  standIn.runs().filter((r) => r.functionId === `${APP_ID}-${fnId}`);
const onlyRun = (standIn: InngestStandIn, fnId: string): RunSummary => {
  const runs = runsOf(standIn, fnId);
  expect(runs).toHaveLength(1);
  return runs[0]!;
};

describe('registration and events', () => {
  it('syncs an app by PUT, as `inngest dev -u` does, and lists its functions under <app-id>-<fn-id>', async () => {
    const client = new Inngest({ id: APP_ID, isDev: true, logger: silent });
    const fns = [
      client.createFunction({ id: 'hello', triggers: [{ event: 'demo/hello' }], onFailure: async () => {} }, async () => 'hi'),
      client.createFunction({ id: 'nightly', triggers: [{ cron: '0 3 * * *' }], retries: 0 }, async () => null),
    ];
    // The app must know the stand-in's URL before either starts: reserve a port first.
    const probe = http.createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    client.setEnvVars({ INNGEST_DEV: `http://127.0.0.1:${port}` });
    const appUrl = await serveApp(client, fns);

    const standIn = await startInngestStandIn({ port, appUrls: [appUrl] });
    cleanups.push(() => standIn.close());

    const [app] = standIn.apps();
    expect(app?.id).toBe(APP_ID);
    expect(app?.url).toBe(appUrl);
    expect(app?.functions.map((f) => [f.id, f.retries]).sort()).toEqual([
      ['standin-test-hello', 3],
      ['standin-test-hello-failure', 1],
      ['standin-test-nightly', 0],
    ]);
    const res = await fetch(`${standIn.url}/__standin/apps`);
    expect(res.headers.get('x-inngest-server-kind')).toBe('dev');
  });

  it('answers POST /fn/register with modified true on change and false on an identical re-sync', async () => {
    const { standIn, appUrl } = await setup((client) => [
      client.createFunction({ id: 'a', triggers: [{ event: 'x/a' }] }, async () => 1),
    ]);
    const body = {
      url: appUrl,
      deployType: 'ping',
      appName: 'other-app',
      sdk: 'js:v4.24.0',
      v: '0.1',
      functions: [
        {
          id: 'other-app-b',
          name: 'b',
          triggers: [{ event: 'x/b' }],
          steps: { step: { id: 'step', name: 'step', runtime: { type: 'http', url: `${appUrl}?fnId=other-app-b&stepId=step` } } },
        },
      ],
    };
    const post = (b: unknown) =>
      fetch(`${standIn.url}/fn/register`, { method: 'POST', body: JSON.stringify(b) }).then(async (r) => [r.status, await r.json()]);
    expect(await post(body)).toEqual([200, { ok: true, modified: true }]);
    expect(await post(body)).toEqual([200, { ok: true, modified: false }]);
    expect((await post({ ...body, functions: [{ id: '' }] }))[0]).toBe(400);
  });

  it('ingests single and batched events at /e/{key} and returns one ULID per event', async () => {
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'echo', triggers: [{ event: 'demo/echo' }] }, async ({ event }) => event.data),
    ]);
    const single = await fetch(`${standIn.url}/e/any-key`, { method: 'POST', body: JSON.stringify({ name: 'demo/echo', data: { n: 1 } }) });
    expect(single.status).toBe(200);
    const singleBody = (await single.json()) as { ids: string[]; status: number };
    expect(singleBody.status).toBe(200);
    expect(singleBody.ids).toHaveLength(1);
    expect(singleBody.ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    const { ids } = await client.send([
      { name: 'demo/echo', data: { n: 2 } },
      { name: 'demo/echo', data: { n: 3 } },
    ]);
    expect(ids).toHaveLength(2);
    expect(new Set([...ids, ...singleBody.ids]).size).toBe(3);

    const bad = await fetch(`${standIn.url}/e/k`, { method: 'POST', body: JSON.stringify([{ name: 'ok' }, { data: {} }]) });
    expect(bad.status).toBe(400);
    // Nothing of the refused batch was received; the admin API counts what was, by name.
    const listed = (await (await fetch(`${standIn.url}/__standin/events`)).json()) as { events: unknown[]; received: Record<string, number> };
    expect(listed.received).toEqual({ 'demo/echo': 3 });
    expect(listed.events).toHaveLength(3);

    await standIn.waitForIdle(5000);
    const outputs = runsOf(standIn, 'echo').map((r) => (r.output as { n: number }).n).sort();
    expect(outputs).toEqual([1, 2, 3]);
  });

  it('triggers only when the `if` expression matches, and dedupes events by their id and by idempotency key', async () => {
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'big', triggers: [{ event: 'order/placed', if: 'event.data.total >= 100' }] }, async () => 'big'),
      c.createFunction(
        { id: 'once', triggers: [{ event: 'order/placed' }], idempotency: 'event.data.store + "-" + event.data.order' },
        async () => 'once',
      ),
    ]);
    await client.send([
      { name: 'order/placed', data: { total: 150, store: 's1', order: 1 } },
      { name: 'order/placed', data: { total: 20, store: 's1', order: 1 } },
      { name: 'order/placed', data: { total: 20, store: 's1', order: 2 } },
    ]);
    await client.send({ id: 'evt-1', name: 'order/placed', data: { total: 500, store: 's2', order: 9 } });
    await client.send({ id: 'evt-1', name: 'order/placed', data: { total: 500, store: 's2', order: 10 } });
    await standIn.waitForIdle(5000);
    expect(runsOf(standIn, 'big').map((r) => r.event.data.total).sort()).toEqual([150, 500]);
    expect(runsOf(standIn, 'once').map((r) => `${r.event.data.store}-${r.event.data.order}`).sort()).toEqual([
      's1-1',
      's1-2',
      's2-9',
    ]);
  });
});

describe('steps', () => {
  it('memoises steps under hashed ids: each step body runs once and the function sees earlier results', async () => {
    const calls: string[] = [];
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'pipeline', triggers: [{ event: 'order/changed' }] }, async ({ event, step }) => {
        const order = await step.run('load-order', () => (calls.push('load'), { id: event.data.orderId, total: '12.50' }));
        const plan = await step.run('plan', () => (calls.push('plan'), order.total === '12.50' ? 'create' : 'skip'));
        const posted = await step.run('post-document', () => (calls.push('post'), `DOC-${order.id}`));
        return { plan, posted };
      }),
    ]);
    await client.send({ name: 'order/changed', data: { orderId: 42 } });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'pipeline');
    expect(run.status).toBe('Completed');
    expect(run.output).toEqual({ plan: 'create', posted: 'DOC-42' });
    expect(calls).toEqual(['load', 'plan', 'post']);
    expect(run.steps.map((s) => s.name)).toEqual(['load-order', 'plan', 'post-document']);
    expect(run.steps.every((s) => /^[0-9a-f]{40}$/.test(s.id))).toBe(true);
    expect(run.attempts).toBe(1);
  });

  it('runs parallel steps (StepPlanned) each once, then resumes with all their results', async () => {
    const calls: string[] = [];
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'fan', triggers: [{ event: 'x/fan' }] }, async ({ step }) => {
        const parts = await Promise.all(
          ['a', 'b', 'c'].map((id) => step.run(`part-${id}`, async () => (calls.push(id), id.toUpperCase()))),
        );
        const joined = await step.run('join', () => parts.join(''));
        return joined;
      }),
    ]);
    await client.send({ name: 'x/fan', data: {} });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'fan');
    expect(run.status).toBe('Completed');
    expect(run.output).toBe('ABC');
    expect(calls.sort()).toEqual(['a', 'b', 'c']);
    expect(run.steps.map((s) => s.name).sort()).toEqual(['join', 'part-a', 'part-b', 'part-c']);
  });

  it('sleeps for step.sleep and step.sleepUntil on the scaled clock', async () => {
    const { standIn, client } = await setup(
      (c) => [
        c.createFunction({ id: 'sleepy', triggers: [{ event: 'x/sleep' }] }, async ({ step }) => {
          await step.sleep('cool-off', '10m');
          await step.sleepUntil('until', new Date(Date.now() + 60_000));
          return 'awake';
        }),
      ],
      0.001,
    );
    const started = Date.now();
    await client.send({ name: 'x/sleep', data: {} });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'sleepy');
    expect(run.output).toBe('awake');
    const [sleep, until] = run.steps;
    expect(sleep).toMatchObject({ name: 'cool-off', op: 'Sleep', delayMs: 600_000 });
    expect(until?.op).toBe('Sleep');
    expect(until?.delayMs).toBeGreaterThan(50_000);
    expect(until?.delayMs).toBeLessThanOrEqual(60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('fans out with step.sendEvent: each sent event starts its own run', async () => {
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'sweep', triggers: [{ event: 'store/sweep' }] }, async ({ step }) => {
        const { ids } = await step.sendEvent(
          'enqueue-orders',
          [1, 2, 3].map((orderId) => ({ name: 'order/changed', data: { storeHash: 'abc', orderId } })),
        );
        return ids.length;
      }),
      c.createFunction({ id: 'order', triggers: [{ event: 'order/changed' }] }, async ({ event }) => event.data.orderId),
    ]);
    await client.send({ name: 'store/sweep', data: {} });
    await standIn.waitForIdle(5000);
    expect(onlyRun(standIn, 'sweep').output).toBe(3);
    const children = runsOf(standIn, 'order');
    expect(children.map((r) => r.output).sort()).toEqual([1, 2, 3]);
    expect(children.every((r) => r.status === 'Completed')).toBe(true);
  });

  it('invokes another function with step.invoke and returns its output or its error', async () => {
    const { standIn, client } = await setup((c) => {
      const double = c.createFunction({ id: 'double', triggers: [{ event: 'x/double' }] }, async ({ event }) => Number(event.data.n) * 2);
      const broken = c.createFunction({ id: 'broken', triggers: [{ event: 'x/broken' }], retries: 0 }, async () => {
        throw new NonRetriableError('no such SKU');
      });
      const parent = c.createFunction({ id: 'parent', triggers: [{ event: 'x/parent' }] }, async ({ step }) => {
        const doubled = await step.invoke('call-double', { function: double, data: { n: 21 } });
        const failure = await step.invoke('call-broken', { function: broken, data: {} }).then(
          () => 'no error',
          (err: Error) => err.message,
        );
        return { doubled, failure };
      });
      return [double, broken, parent];
    });
    await client.send({ name: 'x/parent', data: {} });
    await standIn.waitForIdle(5000);
    expect(onlyRun(standIn, 'parent').output).toEqual({ doubled: 42, failure: 'no such SKU' });
    expect(onlyRun(standIn, 'double').event.name).toBe('inngest/function.invoked');
  });

  it('resumes step.waitForEvent with the matching event, or null after the timeout', async () => {
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'await-payment', triggers: [{ event: 'order/placed' }] }, async ({ step }) => {
        const paid = await step.waitForEvent('wait-paid', { event: 'order/paid', match: 'data.orderId', timeout: '20m' });
        return paid ? `paid:${String(paid.data.amount)}` : 'timed out';
      }),
    ]);
    await client.send([
      { name: 'order/placed', data: { orderId: 1 } },
      { name: 'order/placed', data: { orderId: 2 } },
    ]);
    // Both runs must be waiting before order 1 (and an unrelated order 3) is paid.
    const waiting = () => runsOf(standIn, 'await-payment').filter((r) => r.waiting === 'WaitForEvent order/paid');
    await expect.poll(() => waiting().length).toBe(2);
    await client.send({ name: 'order/paid', data: { orderId: 3, amount: '1.00' } });
    await client.send({ name: 'order/paid', data: { orderId: 1, amount: '9.99' } });
    await standIn.waitForIdle(10_000); // 20 min at a time scale of 0.001 is 1.2 s
    const outputs = Object.fromEntries(runsOf(standIn, 'await-payment').map((r) => [r.event.data.orderId, r.output]));
    expect(outputs).toEqual({ 1: 'paid:9.99', 2: 'timed out' });
  });
});

describe('retries and failures', () => {
  it('retries a failing step with exponential backoff and completes once it succeeds', async () => {
    let tries = 0;
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'flaky', triggers: [{ event: 'x/flaky' }] }, async ({ step }) => {
        return step.run('call-provider', () => {
          tries++;
          if (tries < 3) throw new Error(`503 number ${tries}`);
          return 'posted';
        });
      }),
    ]);
    await client.send({ name: 'x/flaky', data: {} });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'flaky');
    expect(run.status).toBe('Completed');
    expect(run.output).toBe('posted');
    expect(run.attempts).toBe(3);
    expect(run.retries.map((r) => [r.step, r.attempt, r.delayMs, r.error.message])).toEqual([
      ['call-provider', 1, 10_000, '503 number 1'],
      ['call-provider', 2, 20_000, '503 number 2'],
    ]);
  });

  it('gives up after the default 3 retries (4 attempts), and after 1 attempt with retries: 0', async () => {
    const tries = { default: 0, none: 0 };
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'always-default', triggers: [{ event: 'x/fail' }] }, async ({ step }) => {
        await step.run('boom', () => {
          tries.default++;
          throw new Error('always');
        });
      }),
      c.createFunction({ id: 'always-none', triggers: [{ event: 'x/fail' }], retries: 0 }, async () => {
        tries.none++;
        throw new Error('once');
      }),
    ]);
    await client.send({ name: 'x/fail', data: {} });
    await standIn.waitForIdle(5000);
    const withDefault = onlyRun(standIn, 'always-default');
    expect(withDefault.status).toBe('Failed');
    expect(withDefault.attempts).toBe(4);
    expect(withDefault.error?.message).toContain('always');
    expect(tries.default).toBe(4);
    const none = onlyRun(standIn, 'always-none');
    expect(none).toMatchObject({ status: 'Failed', attempts: 1, error: { message: 'once' } });
    expect(tries.none).toBe(1);
  });

  it('waits as long as RetryAfterError asks (milliseconds or a date) instead of the backoff', async () => {
    let tries = 0;
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'rate-limited', triggers: [{ event: 'x/rl' }] }, async ({ step }) => {
        return step.run('post-invoice', () => {
          tries++;
          if (tries === 1) throw new RetryAfterError('429 from Xero', 7000);
          if (tries === 2) throw new RetryAfterError('429 again', new Date(Date.now() + 120_000));
          return 'ok';
        });
      }),
    ]);
    await client.send({ name: 'x/rl', data: {} });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'rate-limited');
    expect(run.status).toBe('Completed');
    expect(run.retries[0]).toMatchObject({ delayMs: 7000, error: { message: '429 from Xero' } });
    expect(run.retries[1]?.delayMs).toBeGreaterThan(110_000);
    expect(run.retries[1]?.delayMs).toBeLessThanOrEqual(120_000);
  });

  it('does not retry NonRetriableError and runs the onFailure handler with the error and the event', async () => {
    let tries = 0;
    const seen: string[] = [];
    const { standIn, client } = await setup((c) => [
      c.createFunction(
        {
          id: 'post-order',
          triggers: [{ event: 'order/changed' }],
          onFailure: async ({ error, event }: FailureEventArgs) => {
            seen.push(`${error.message} for order ${String(event.data.event.data.orderId)}`);
          },
        },
        async ({ step }) => {
          await step.run('build-document', () => {
            tries++;
            throw new NonRetriableError('SKU ABC-1 has no accounting item');
          });
        },
      ),
    ]);
    await client.send({ name: 'order/changed', data: { orderId: 7 } });
    await standIn.waitForIdle(5000);
    expect(tries).toBe(1);
    expect(onlyRun(standIn, 'post-order')).toMatchObject({ status: 'Failed', attempts: 1 });
    expect(onlyRun(standIn, 'post-order-failure').status).toBe('Completed');
    expect(seen).toEqual(['SKU ABC-1 has no accounting item for order 7']);
  });

  it('lets the function catch a step error once the step has exhausted its retries', async () => {
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'catcher', triggers: [{ event: 'x/catch' }], retries: 1 }, async ({ step }) => {
        try {
          await step.run('doomed', () => {
            throw new Error('provider down');
          });
          return 'unreachable';
        } catch (err) {
          return `caught: ${(err as Error).message}`;
        }
      }),
    ]);
    await client.send({ name: 'x/catch', data: {} });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'catcher');
    expect(run).toMatchObject({ status: 'Completed', output: 'caught: provider down', attempts: 2 });
    expect(run.steps[0]?.result).toBe('error');
  });
});

describe('the Next.js handler the app uses', () => {
  it('drives functions served by inngest/next route handlers (GET, POST, PUT)', async () => {
    const standIn = await startInngestStandIn({ port: 0, timeScale: 0.001 });
    cleanups.push(() => standIn.close());
    const client = new Inngest({ id: APP_ID, isDev: true, baseUrl: standIn.url, logger: silent });
    const route = serveNext({
      client,
      functions: [
        client.createFunction({ id: 'next-fn', triggers: [{ event: 'x/next' }] }, async ({ event, step }) => {
          const doubled = await step.run('double', () => Number(event.data.n) * 2);
          return { doubled };
        }),
      ],
    });
    // A minimal adapter from node:http to the Web Request/Response API that Next route handlers receive.
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const method = req.method as 'GET' | 'POST' | 'PUT';
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method,
        headers: req.headers as Record<string, string>,
        body: method === 'GET' ? undefined : Buffer.concat(chunks).toString('utf8'),
      });
      const response = await route[method](new NextRequest(request), undefined);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(await response.text());
    });
    const port = await listen(server);
    await standIn.sync(`http://127.0.0.1:${port}/api/inngest`);

    await client.send({ name: 'x/next', data: { n: 21 } });
    await standIn.waitForIdle(5000);
    expect(onlyRun(standIn, 'next-fn')).toMatchObject({ status: 'Completed', output: { doubled: 42 } });
  });
});

/** A fetch for the SDK's client that records the stand-in's answers to its checkpoint requests. */
function recordCheckpoints(answers: number[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/v1/checkpoint/')) answers.push(res.status);
    return res;
  };
}

describe('checkpointing (SDK v4)', () => {
  // The stand-in sends ctx.fn_id and ctx.qi_id as Inngest's executor does, so the SDK runs steps inside one call and
  // reports each to POST /v1/checkpoint/{runId}/async (inngest/inngest pkg/api/apiv1/checkpoint.go).
  it('runs sequential steps in one call, each checkpointed and memoised as if a call had returned it', async () => {
    const calls: string[] = [];
    const { standIn, client, logs } = await setup((c) => [
      c.createFunction({ id: 'pipeline', triggers: [{ event: 'order/changed' }] }, async ({ event, step }) => {
        const order = await step.run('load-order', () => (calls.push('load'), { id: event.data.orderId, total: '12.50' }));
        const plan = await step.run('plan', () => (calls.push('plan'), order.total === '12.50' ? 'create' : 'skip'));
        const posted = await step.run('post-document', () => (calls.push('post'), `DOC-${order.id}`));
        return { plan, posted };
      }),
      c.createFunction({ id: 'classic', triggers: [{ event: 'order/changed' }], checkpointing: false }, async ({ step }) => {
        const a = await step.run('a', () => 1);
        const b = await step.run('b', () => a + 1);
        return b;
      }),
    ]);
    await client.send({ name: 'order/changed', data: { orderId: 42 } });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'pipeline');
    expect(run).toMatchObject({ status: 'Completed', output: { plan: 'create', posted: 'DOC-42' }, attempts: 1 });
    expect(calls).toEqual(['load', 'plan', 'post']);
    expect(run.steps.map((s) => [s.name, s.op, s.result, s.checkpointed])).toEqual([
      ['load-order', 'StepRun', 'data', true],
      ['plan', 'StepRun', 'data', true],
      ['post-document', 'StepRun', 'data', true],
    ]);
    expect(run.steps.every((s) => /^[0-9a-f]{40}$/.test(s.id))).toBe(true);
    // One call to the app and three checkpoints, where the classic protocol makes one call per step plus one.
    expect([run.calls, run.checkpoints]).toEqual([1, 3]);
    expect(onlyRun(standIn, 'classic')).toMatchObject({ status: 'Completed', output: 2, calls: 3, checkpoints: 0 });
    expect(logs.filter((l) => l.startsWith('not implemented'))).toEqual([]);
  });

  it('sends the checkpointed steps back in later calls: a sleep, a wait and an invoke still go through the call', async () => {
    const calls: string[] = [];
    const { standIn, client } = await setup((c) => {
      const child = c.createFunction({ id: 'child', triggers: [{ event: 'x/never' }] }, async ({ step }) => step.run('c', () => 'from child'));
      return [
        child,
        c.createFunction({ id: 'mixed', triggers: [{ event: 'x/mixed' }] }, async ({ step }) => {
          const a = await step.run('a', () => (calls.push('a'), 'A'));
          await step.sleep('nap', '10s');
          const b = await step.run('b', () => (calls.push('b'), `${a}B`));
          const paid = await step.waitForEvent('paid', { event: 'x/paid', timeout: '1h' });
          const c2 = await step.run('c', () => (calls.push('c'), `${b}${String(paid?.data.n)}`));
          const invoked = await step.invoke('call-child', { function: child });
          return `${c2}:${invoked}`;
        }),
      ];
    });
    await client.send({ name: 'x/mixed', data: {} });
    await expect.poll(() => onlyRun(standIn, 'mixed').waiting).toBe('WaitForEvent x/paid');
    await client.send({ name: 'x/paid', data: { n: 7 } });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'mixed');
    expect(run).toMatchObject({ status: 'Completed', output: 'AB7:from child' });
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(run.steps.map((s) => [s.name, s.op, s.checkpointed ?? false])).toEqual([
      ['a', 'StepRun', true],
      ['nap', 'Sleep', false],
      ['b', 'StepRun', true],
      ['paid', 'WaitForEvent', false],
      ['c', 'StepRun', true],
      ['call-child', 'InvokeFunction', false],
    ]);
    // Each call runs steps until one the executor must handle, and the last answers with RunComplete.
    expect([run.calls, run.checkpoints]).toEqual([4, 3]);
  });

  it('retries a failing step in its own call after the steps before it were checkpointed, each running once', async () => {
    const calls: string[] = [];
    let failures = 1;
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'flaky', triggers: [{ event: 'x/f' }] }, async ({ step }) => {
        const a = await step.run('a', () => (calls.push('a'), 1));
        const b = await step.run('b', () => {
          calls.push('b');
          if (failures-- > 0) throw new Error('the provider answered 500');
          return a + 1;
        });
        const d = await step.run('d', () => (calls.push('d'), b + 1));
        return d;
      }),
    ]);
    await client.send({ name: 'x/f', data: {} });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'flaky');
    expect(run).toMatchObject({ status: 'Completed', output: 3 });
    expect(calls).toEqual(['a', 'b', 'b', 'd']);
    expect(run.retries.map((r) => [r.step, r.attempt, r.error.message])).toEqual([['b', 1, 'the provider answered 500']]);
    // a: checkpointed; b: its error answers the call (StepError), its retry is a call of its own (stepId=b) that
    // returns it; then a discovery call checkpoints d and completes.
    expect(run.steps.map((s) => [s.name, s.checkpointed ?? false])).toEqual([['a', true], ['b', false], ['d', true]]);
    expect([run.calls, run.checkpoints]).toEqual([3, 2]);
  });

  it('does not run checkpointed steps again after the app dies mid-call, and refuses a stale dispatch (409)', async () => {
    const standIn = await startInngestStandIn({ port: 0, timeScale: 0.001 });
    cleanups.push(() => standIn.close());
    const answers: number[] = [];
    const client = new Inngest({ id: APP_ID, isDev: true, baseUrl: standIn.url, logger: silent, fetch: recordCheckpoints(answers) });
    const calls: string[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const fn = client.createFunction({ id: 'crash', triggers: [{ event: 'x/crash' }] }, async ({ step }) => {
      const a = await step.run('a', () => (calls.push('a'), 'A'));
      const b = await step.run('b', async () => {
        calls.push('b');
        if (calls.filter((c) => c === 'b').length > 1) {
          // The retry runs while the first dispatch still runs in the app, which now reports b: refused as stale.
          release();
          while (!answers.includes(409)) await new Promise((r) => setTimeout(r, 5));
          return 'fresh';
        }
        // As a kill -9 does to the app: the connection the call came on is gone, its answer never arrives.
        server.closeAllConnections();
        await released;
        return 'stale';
      });
      return step.run('d', () => (calls.push('d'), `${a}${b}`));
    });
    const server = http.createServer(serve({ client, functions: [fn] }));
    await standIn.sync(`http://127.0.0.1:${await listen(server)}/api/inngest`);

    await client.send({ name: 'x/crash', data: {} });
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'crash');
    expect(run).toMatchObject({ status: 'Completed', output: 'Afresh' });
    // a ran once: its checkpoint outlived the dead call. b ran again: its result was never recorded.
    expect(calls).toEqual(['a', 'b', 'b', 'd']);
    expect(run.retries.map((r) => [r.step, r.attempt, r.error.name])).toEqual([[null, 1, 'FetchError']]);
    // The retry is attempt 1, where the SDK answers with the step it ran instead of checkpointing it.
    expect(run.steps.map((s) => [s.name, s.checkpointed ?? false])).toEqual([['a', true], ['b', false], ['d', true]]);

    // a checkpointed; the first dispatch's late b refused as stale (the SDK stops that execution); d checkpointed.
    expect(answers).toEqual([200, 409, 200]);
  });

  it('refuses checkpoints for a cancelled run, so the SDK stops there', async () => {
    const standIn = await startInngestStandIn({ port: 0, timeScale: 0.001 });
    cleanups.push(() => standIn.close());
    const answers: number[] = [];
    const client = new Inngest({ id: APP_ID, isDev: true, baseUrl: standIn.url, logger: silent, fetch: recordCheckpoints(answers) });
    const calls: string[] = [];
    const fn = client.createFunction(
      { id: 'cancellable', triggers: [{ event: 'x/start' }], cancelOn: [{ event: 'x/stop', match: 'data.id' }] },
      async ({ event, step }) => {
        await step.run('a', () => calls.push('a'));
        await step.run('b', async () => {
          calls.push('b');
          await client.send({ name: 'x/stop', data: { id: event.data.id } });
          while (onlyRun(standIn, 'cancellable').status !== 'Cancelled') await new Promise((r) => setTimeout(r, 5));
        });
        await step.run('c', () => calls.push('c'));
      },
    );
    // The app's requests in flight, to know when the cancelled run's call has ended.
    const handler = serve({ client, functions: [fn] });
    let inFlight = 0;
    const server = http.createServer((req, res) => {
      inFlight++;
      res.on('close', () => inFlight--);
      return handler(req, res);
    });
    await standIn.sync(`http://127.0.0.1:${await listen(server)}/api/inngest`);
    await client.send({ name: 'x/start', data: { id: 1 } });
    await standIn.waitForIdle(5000);
    await expect.poll(() => inFlight, { timeout: 10_000 }).toBe(0);
    const run = onlyRun(standIn, 'cancellable');
    expect(run.status).toBe('Cancelled');
    expect(run.steps.map((s) => s.name)).toEqual(['a']);
    // b's checkpoint was refused (the SDK tries five times), then the SDK answered the call with b and stopped.
    expect(answers).toEqual([200, 400, 400, 400, 400, 400]);
    expect(calls).toEqual(['a', 'b']);
  });

  it('accepts checkpoints only with the signing key as a signing server', async () => {
    const signing = { signingKey: `signkey-test-${'ab'.repeat(32)}`, eventKey: 'standin-event-key' };
    const standIn = await startInngestStandIn({ port: 0, timeScale: 0.001, signing });
    cleanups.push(() => standIn.close());
    const client = new Inngest({ id: APP_ID, isDev: false, baseUrl: standIn.url, signingKey: signing.signingKey, eventKey: signing.eventKey, logger: silent });
    const fn = client.createFunction({ id: 'signed', triggers: [{ event: 'x/signed' }] }, async ({ step }) => {
      const a = await step.run('a', () => 2);
      return step.run('b', () => a * 21);
    });
    const appUrl = await serveApp(client, [fn]);
    await standIn.sync(appUrl);
    await client.send({ name: 'x/signed', data: {} });
    await standIn.waitForIdle(5000);
    expect(onlyRun(standIn, 'signed')).toMatchObject({ status: 'Completed', output: 42, calls: 1, checkpoints: 2 });
    const res = await fetch(`${standIn.url}/v1/checkpoint/${onlyRun(standIn, 'signed').runId}/async`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ steps: [] }),
    });
    expect(res.status).toBe(401);
  });
});

describe('app restarts', () => {
  it('retries calls while the app is down and finishes the run once it is back on the same URL', async () => {
    const logs: string[] = [];
    const standIn = await startInngestStandIn({ port: 0, timeScale: 0.01, log: (line) => logs.push(line) });
    cleanups.push(() => standIn.close());
    const client = new Inngest({ id: APP_ID, isDev: true, baseUrl: standIn.url, logger: silent });
    const fns = [client.createFunction({ id: 'survivor', triggers: [{ event: 'x/s' }] }, async () => 'survived')];
    const first = http.createServer(serve({ client, functions: fns }));
    const port = await listen(first);
    await standIn.sync(`http://127.0.0.1:${port}/api/inngest`);
    await new Promise((resolve) => (first.closeAllConnections(), first.close(resolve)));

    await client.send({ name: 'x/s', data: {} });
    await expect.poll(() => onlyRun(standIn, 'survivor').retries.length).toBeGreaterThan(0);
    await serveApp(client, fns, port);
    await standIn.waitForIdle(5000);
    const run = onlyRun(standIn, 'survivor');
    expect(run).toMatchObject({ status: 'Completed', output: 'survived' });
    expect(run.retries[0]?.error.name).toBe('FetchError');
  });

  it('close() returns only once the call it has in flight to the app is answered (a test drops its database next)', async () => {
    const standIn = await startInngestStandIn({ port: 0, timeScale: 0.01, log: () => {} });
    const client = new Inngest({ id: APP_ID, isDev: true, baseUrl: standIn.url, logger: silent });
    let entered!: () => void;
    const inStep = new Promise<void>((resolve) => (entered = resolve));
    let finishedAt = 0;
    const fns = [
      client.createFunction({ id: 'slow-step', triggers: [{ event: 'x/slow-step' }], retries: 0 }, async ({ step }) =>
        step.run('work', async () => {
          entered();
          await new Promise((resolve) => setTimeout(resolve, 400));
          finishedAt = Date.now();
          return 'done';
        }),
      ),
    ];
    await standIn.sync(await serveApp(client, fns));
    await client.send({ name: 'x/slow-step', data: {} });
    await inStep;
    await standIn.close();
    expect(finishedAt).toBeGreaterThan(0);
  });
});

describe('flow control and scheduling', () => {
  it('cancels a run when a matching cancelOn event arrives, and only then', async () => {
    const { standIn, client } = await setup((c) => [
      c.createFunction(
        { id: 'backfill', triggers: [{ event: 'store/backfill' }], cancelOn: [{ event: 'store/uninstalled', match: 'data.storeHash' }] },
        async ({ step }) => {
          await step.sleep('between-pages', '20m');
          return 'finished';
        },
      ),
    ]);
    await client.send([
      { name: 'store/backfill', data: { storeHash: 'a' } },
      { name: 'store/backfill', data: { storeHash: 'b' } },
    ]);
    await expect.poll(() => runsOf(standIn, 'backfill').filter((r) => r.waiting?.startsWith('Sleep')).length).toBe(2);
    await client.send({ name: 'store/uninstalled', data: { storeHash: 'a' } });
    await standIn.waitForIdle(10_000);
    const byStore = Object.fromEntries(runsOf(standIn, 'backfill').map((r) => [r.event.data.storeHash, r.status]));
    expect(byStore).toEqual({ a: 'Cancelled', b: 'Completed' });
  });

  it('limits concurrent steps per concurrency key while other keys run in parallel', async () => {
    let inFlight = 0;
    let peak = 0;
    const peakByStore = new Map<string, number>();
    const inFlightByStore = new Map<string, number>();
    const { standIn, client } = await setup((c) => [
      c.createFunction(
        { id: 'per-store', triggers: [{ event: 'order/changed' }], concurrency: { limit: 1, key: 'event.data.storeHash' } },
        async ({ event, step }) => {
          const store = String(event.data.storeHash);
          await step.run('post', async () => {
            inFlight++;
            inFlightByStore.set(store, (inFlightByStore.get(store) ?? 0) + 1);
            peak = Math.max(peak, inFlight);
            peakByStore.set(store, Math.max(peakByStore.get(store) ?? 0, inFlightByStore.get(store)!));
            await new Promise((r) => setTimeout(r, 40));
            inFlight--;
            inFlightByStore.set(store, inFlightByStore.get(store)! - 1);
          });
        },
      ),
    ]);
    await client.send(['a', 'a', 'a', 'b', 'b', 'b'].map((storeHash, i) => ({ name: 'order/changed', data: { storeHash, i } })));
    await standIn.waitForIdle(5000);
    expect(runsOf(standIn, 'per-store').every((r) => r.status === 'Completed')).toBe(true);
    expect(Object.fromEntries(peakByStore)).toEqual({ a: 1, b: 1 });
    expect(peak).toBe(2);
  });

  it('finishes older runs first when steps queue for a slot: a run\'s next step is scored by the run\'s start', async () => {
    // inngest/inngest pkg/execution/queue/item.go (QueueItem.Score): with a busy function, the next step of a run
    // started earlier runs before the first step of a run started later. Checkpointing is off here: with it the SDK
    // runs all three steps in one call, holding the slot, and no step would queue.
    const order: string[] = [];
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'three-steps', triggers: [{ event: 'order/changed' }], concurrency: { limit: 1 }, checkpointing: false }, async ({ event, step }) => {
        for (const name of ['load', 'post', 'write']) {
          await step.run(name, async () => {
            order.push(`${String(event.data.n)}:${name}`);
            await new Promise((r) => setTimeout(r, 5));
          });
        }
      }),
    ]);
    for (const n of [1, 2, 3]) {
      await client.send({ name: 'order/changed', data: { n } });
      await new Promise((r) => setTimeout(r, 5));
    }
    await standIn.waitForIdle(5000);
    expect(runsOf(standIn, 'three-steps').every((r) => r.status === 'Completed' && r.calls === 4)).toBe(true);
    expect(order).toEqual(['1:load', '1:post', '1:write', '2:load', '2:post', '2:write', '3:load', '3:post', '3:write']);
  });

  it('fires cron functions on the scaled clock and on demand with tick()', async () => {
    const { standIn } = await setup(
      (c) => [c.createFunction({ id: 'sweep', triggers: [{ cron: '* * * * *' }] }, async ({ event }) => event.name)],
      0.002, // a minute is 120 ms
    );
    const runId = standIn.tick(`${APP_ID}-sweep`);
    await expect.poll(() => runsOf(standIn, 'sweep').length, { timeout: 3000 }).toBeGreaterThanOrEqual(3);
    const ticked = standIn.runs().find((r) => r.runId === runId);
    expect(ticked?.event).toMatchObject({ name: 'inngest/scheduled.timer', data: { cron: '* * * * *' } });
    await standIn.waitForIdle(5000);
    expect(runsOf(standIn, 'sweep').every((r) => r.output === 'inngest/scheduled.timer')).toBe(true);
  });

  it('warns about flow control it ignores', async () => {
    const { standIn, client, logs } = await setup((c) => [
      c.createFunction(
        { id: 'limited', triggers: [{ event: 'x/t' }], rateLimit: { limit: 1, period: '1s' } },
        async ({ step }) => {
          const a = await step.run('one', () => 1);
          const b = await step.run('two', () => 2);
          return a + b;
        },
      ),
    ]);
    await client.send({ name: 'x/t', data: {} });
    await standIn.waitForIdle(5000);
    expect(onlyRun(standIn, 'limited').output).toBe(3);
    expect(logs.some((l) => l.includes('standin-test-limited sets rateLimit'))).toBe(true);
    expect(logs.filter((l) => l.startsWith('not implemented'))).toEqual([]);
  });

  it('throttles run starts per key: limit + burst at once, then one per period / limit, none dropped', async () => {
    const started: Array<{ key: string; at: number }> = [];
    const { standIn, client } = await setup(
      (c) => [
        c.createFunction(
          { id: 'throttled', triggers: [{ event: 'x/t' }], throttle: { limit: 2, period: '1s', burst: 1, key: 'event.data.tenant' } },
          async ({ event, step }) => {
            await step.run('start', () => {
              started.push({ key: String(event.data.tenant), at: Date.now() });
            });
            return event.data.n;
          },
        ),
      ],
      1, // real time: the 1 s period spaces runs 500 ms apart per tenant, wide enough for a loaded machine
    );
    const t0 = Date.now();
    await client.send([
      ...Array.from({ length: 6 }, (_, n) => ({ name: 'x/t', data: { tenant: 'a', n } })),
      { name: 'x/t', data: { tenant: 'b', n: 100 } },
    ]);
    await standIn.waitForIdle(20_000);
    const a = started.filter((s) => s.key === 'a').map((s) => s.at - t0);
    const b = started.filter((s) => s.key === 'b').map((s) => s.at - t0);
    expect(a).toHaveLength(6);
    // Three (limit 2 + burst 1) start at once; the other three are spaced 500 ms apart, FIFO.
    expect(a[3]!).toBeGreaterThanOrEqual(450);
    expect(a[5]! - a[3]!).toBeGreaterThanOrEqual(900);
    expect(a[2]!).toBeLessThan(450);
    // Another key has its own allowance.
    expect(b[0]!).toBeLessThan(450);
    expect(runsOf(standIn, 'throttled').map((r) => r.output).sort((x, y) => Number(x) - Number(y))).toEqual([0, 1, 2, 3, 4, 5, 100]);
  });
});

describe('inspection API', () => {
  it('serves runs, waits for idle over HTTP and ticks crons by id', async () => {
    const { standIn, client } = await setup((c) => [
      c.createFunction({ id: 'slow', triggers: [{ event: 'x/slow' }] }, async ({ step }) => {
        await step.sleep('nap', '5s');
        return 'done';
      }),
      c.createFunction({ id: 'tick', triggers: [{ cron: '0 0 1 1 *' }] }, async () => 'ticked'),
    ]);
    await client.send({ name: 'x/slow', data: {} });
    const running = (await (await fetch(`${standIn.url}/__standin/runs?status=Running`)).json()) as { runs: RunSummary[] };
    expect(running.runs.map((r) => r.functionId)).toEqual(['standin-test-slow']);
    const tooShort = await fetch(`${standIn.url}/__standin/idle?timeoutMs=1`, { method: 'POST' });
    expect(tooShort.status).toBe(408);
    const cron = (await (await fetch(`${standIn.url}/__standin/cron/standin-test-tick`, { method: 'POST' })).json()) as { runId: string };
    const idle = await fetch(`${standIn.url}/__standin/idle?timeoutMs=5000`, { method: 'POST' });
    expect(idle.status).toBe(200);
    const one = (await (await fetch(`${standIn.url}/__standin/runs/${cron.runId}`)).json()) as RunSummary;
    expect(one).toMatchObject({ functionId: 'standin-test-tick', status: 'Completed', output: 'ticked' });
    const all = (await (await fetch(`${standIn.url}/__standin/runs?functionId=standin-test-slow`)).json()) as { runs: RunSummary[] };
    expect(all.runs.map((r) => [r.status, r.output])).toEqual([['Completed', 'done']]);
  });
});
