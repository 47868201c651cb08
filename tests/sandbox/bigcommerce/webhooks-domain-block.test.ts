// BigCommerce's delivery-domain blocklist, end to end over real HTTP: an app whose receiver answers fewer than 90 %
// of the (at least 100) deliveries of a two-minute window with a 2xx has that domain blocklisted for three minutes;
// nothing is sent to it meanwhile, the events wait in the retry queue, the hooks stay active, and every event is
// delivered once the block is over. Durations run on the sandbox's time scale.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SpecValidator, specsAvailable } from './openapi';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';
import type { DomainReport } from './webhook-domains';

interface Hit {
  at: number;
  path: string;
  status: number;
  body: { hash: string; data: { id: number } };
}

interface Receiver {
  origin: string;
  hits: Hit[];
  close(): Promise<void>;
}

/** A webhook destination whose answer to the n-th request on a path (1-based) is chosen by `answer`. */
async function startReceiver(answer: (path: string, n: number) => number): Promise<Receiver> {
  const hits: Hit[] = [];
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const at = Date.now();
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const status = answer(path, n);
      hits.push({ at, path, status, body: JSON.parse(raw) as Hit['body'] });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const until = async (cond: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

const billing = { first_name: 'A', last_name: 'B', zip: '78701', email: 'a@example.com' };
const specs = specsAvailable ? new SpecValidator() : null;

function world(sandbox: BigCommerceSandbox) {
  const store = sandbox.platform.createStore({ plan: 'pro' });
  const adminPost = async (path: string, body: unknown) =>
    (await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<unknown>;
  const account = async () => {
    const a = (await adminPost('/api-accounts', { scopes: ['store_v2_orders'] })) as { access_token: string; client_id: string };
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${sandbox.url}/stores/${store.hash}${path}`, {
        method,
        headers: { 'x-auth-token': a.access_token, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    };
    return { clientId: a.client_id, call };
  };
  const domain = async (clientId: string): Promise<DomainReport | undefined> => {
    const res = (await (await fetch(`${sandbox.url}/__sandbox/stores/${store.hash}/webhook-deliveries`)).json()) as { domains: DomainReport[] };
    return res.domains.find((d) => d.client_id === clientId);
  };
  return { store, adminPost, account, domain };
}

type Call = Awaited<ReturnType<ReturnType<typeof world>['account']>>['call'];

/** GET /v3/hooks/admin, checked against webhooks.v3.yml when the specs are present. */
async function hooksAdmin(call: Call) {
  const res = await call('GET', '/v3/hooks/admin');
  expect(res.status).toBe(200);
  if (specs) expect(specs.validateResponse('webhooks.v3.yml', '/hooks/admin', 'get', 200, res.body)).toEqual([]);
  return (res.body as { data: { emails: string[]; hooks_list: Array<{ id: number; is_active: boolean }>; blocked_domains: Array<{ destination: string; time_left: number; reasons: Array<{ failure_description: string; count: number }> }> } }).data;
}

/** Places an order and waits until the sandbox has the outcome of its `store/order/created` delivery. */
async function placeOrderAndAwaitOutcome(sandbox: BigCommerceSandbox, call: Call, receiver: Receiver, path: string, stop: () => boolean = () => false) {
  const order = (await call('POST', '/v2/orders', { billing_address: billing, products: [{ name: 'Mug', quantity: 1, price_ex_tax: 5, price_inc_tax: 5 }] })).body as { id: number };
  await until(
    () => {
      const hit = receiver.hits.find((h) => h.path === path && h.body.data.id === order.id);
      return (hit !== undefined && sandbox.webhooks.deliveries.some((d) => d.hash === hit.body.hash)) || stop();
    },
    5000,
    `the delivery of order ${order.id}`,
  );
  return order.id;
}

describe('delivery-domain blocklist: the threshold', () => {
  // timeScale 10: window 12 s, block 18 s, first retry after 6 s, so the sequences below fit in one window
  // without retries joining in.
  let sandbox: BigCommerceSandbox;
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await sandbox?.close();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  const start = async (answer: (path: string, n: number) => number) => {
    sandbox = await startBigCommerceSandbox({ port: 0, timeScale: 10, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
    const receiver = await startReceiver(answer);
    receivers.push(receiver);
    const w = world(sandbox);
    await w.adminPost('/rate-limit', { quota: 5000 });
    const { clientId, call } = await w.account();
    const hook = await call('POST', '/v3/hooks', { scope: 'store/order/created', destination: `${receiver.origin}/webhooks` });
    expect(hook.status).toBe(200);
    return { ...w, clientId, call, receiver, hookId: (hook.body as { data: { id: number } }).data.id };
  };

  it('counts nothing against a domain before its window holds 100 requests, then blocks below 90 %', async () => {
    const { clientId, call, receiver, domain, hookId } = await start(() => 500);
    // Where BigCommerce would write when it blocklists the domain.
    const emails = { emails: ['ops@example.com'] };
    if (specs) expect(specs.validateRequest('webhooks.v3.yml', '/hooks/admin', 'put', emails)).toEqual([]);
    expect((await call('PUT', '/v3/hooks/admin', emails)).status).toBe(204);
    expect((await hooksAdmin(call)).emails).toEqual(['ops@example.com']);
    for (let i = 0; i < 99; i++) await placeOrderAndAwaitOutcome(sandbox, call, receiver, '/webhooks');
    // 99 failures out of 99: still below the documented minimum, so the domain keeps receiving.
    expect(await domain(clientId)).toMatchObject({ blocked: false, window: { requests: 99, successes: 0 } });
    expect((await hooksAdmin(call)).blocked_domains).toEqual([]);

    await placeOrderAndAwaitOutcome(sandbox, call, receiver, '/webhooks');
    const state = (await domain(clientId))!;
    expect(state.blocked).toBe(true);
    expect(state.blocks).toHaveLength(1);
    expect(state.blocks[0]).toMatchObject({ requests: 100, successes: 0, reasons: [{ failure_description: 'HTTP 500', count: 100 }] });
    const admin = await hooksAdmin(call);
    expect(admin.blocked_domains).toHaveLength(1);
    expect(admin.blocked_domains[0]!.destination).toBe(receiver.origin);
    // Platform seconds: three minutes at most, and most of it still to run.
    expect(admin.blocked_domains[0]!.time_left).toBeGreaterThan(120);
    expect(admin.blocked_domains[0]!.time_left).toBeLessThanOrEqual(180);
    expect(admin.blocked_domains[0]!.reasons).toEqual([expect.objectContaining({ failure_description: 'HTTP 500', count: 100 })]);
    // Blocking is not deactivation: the hook stays active.
    expect(admin.hooks_list.find((h) => h.id === hookId)!.is_active).toBe(true);
  });

  it('leaves a receiver that answers 95 % of deliveries alone', async () => {
    const { clientId, call, receiver, domain } = await start((_path, n) => (n % 20 === 0 ? 503 : 200));
    for (let i = 0; i < 140; i++) await placeOrderAndAwaitOutcome(sandbox, call, receiver, '/webhooks');
    const state = (await domain(clientId))!;
    // The ratio was computed (the window holds more than 100 requests) and stayed at or above 90 %.
    expect(state.window.requests).toBeGreaterThanOrEqual(140);
    expect(state.window.successes).toBe(state.window.requests - 7);
    expect(state).toMatchObject({ blocked: false, blocks: [], deferred: 0 });
    expect((await hooksAdmin(call)).blocked_domains).toEqual([]);
  });
});

describe('delivery-domain blocklist: a block and what happens to the events', () => {
  // timeScale 60: window 2 s, block 3 s, retries after 1 s, 3 s, 5 s...
  let sandbox: BigCommerceSandbox | undefined;
  let receiver: Receiver | undefined;
  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  it('sends nothing to the blocked domain, queues the events, and delivers every one after the block', async () => {
    sandbox = await startBigCommerceSandbox({ port: 0, timeScale: 60, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }] });
    let healthy = false;
    // App A's receiver fails every fifth delivery (80 % success) until it is fixed; app B's path always answers.
    receiver = await startReceiver((path, n) => (path === '/a' && !healthy && n % 5 === 0 ? 503 : 200));
    const r = receiver;
    const w = world(sandbox);
    await w.adminPost('/rate-limit', { quota: 5000 });
    const a = await w.account();
    const hookA = await a.call('POST', '/v3/hooks', { scope: 'store/order/created', destination: `${r.origin}/a` });
    const blocked = () => sandbox!.webhooks.domains.isBlocked(a.clientId, `${r.origin}/a`);

    const before: number[] = [];
    while (!blocked()) {
      if (before.length >= 200) throw new Error('the domain was never blocked');
      before.push(await placeOrderAndAwaitOutcome(sandbox, a.call, r, '/a', blocked));
    }
    healthy = true;
    const state = (await w.domain(a.clientId))!;
    const block = state.blocks.at(-1)!;
    expect(block.requests).toBeGreaterThanOrEqual(100);
    expect(block.successes / block.requests).toBeLessThan(0.9);
    expect(block.reasons).toEqual([expect.objectContaining({ failure_description: 'HTTP 503' })]);
    const from = Date.parse(block.from);
    const blockedUntil = Date.parse(block.until);
    expect(blockedUntil - from).toBe((3 * 60_000) / 60);
    const admin = await hooksAdmin(a.call);
    expect(admin.blocked_domains.map((d) => d.destination)).toEqual([r.origin]);

    // Another app on the same domain is not affected: blocklisting is per client id.
    const b = await w.account();
    await b.call('POST', '/v3/hooks', { scope: 'store/order/created', destination: `${r.origin}/b` });
    const during: number[] = [];
    for (let i = 0; i < 10; i++) {
      during.push(((await a.call('POST', '/v2/orders', { billing_address: billing, products: [{ name: 'Mug', quantity: 1, price_ex_tax: 5, price_inc_tax: 5 }] })).body as { id: number }).id);
    }
    await until(() => during.every((id) => r.hits.some((h) => h.path === '/b' && h.body.data.id === id)), 2000, "app B's deliveries");
    expect(Date.now()).toBeLessThan(blockedUntil);

    await until(() => Date.now() > blockedUntil + 20, 10_000, 'the end of the block');
    // Requests already in flight when the block began may land a moment later; nothing is sent after that.
    const sentDuringBlock = r.hits.filter((h) => h.path === '/a' && h.at >= from + 50 && h.at < blockedUntil);
    expect(sentDuringBlock).toEqual([]);
    expect((await w.domain(a.clientId))!.deferred).toBeGreaterThanOrEqual(during.length);
    expect((await hooksAdmin(a.call)).blocked_domains).toEqual([]);

    // Deliveries resume at once for new events (well before the first retry would come due).
    const afterId = ((await a.call('POST', '/v2/orders', { billing_address: billing, products: [{ name: 'Mug', quantity: 1, price_ex_tax: 5, price_inc_tax: 5 }] })).body as { id: number }).id;
    await until(() => r.hits.some((h) => h.path === '/a' && h.body.data.id === afterId && h.status === 200), 800, 'the delivery of a new event after the block');

    // Nothing is lost: every order placed before, during and after the block reaches app A with a 2xx, within
    // the retry schedule (an event queued at the start of the block waits for the retry after 60 s and, still
    // blocked then, for the one 180 s later).
    const all = [...before, ...during, afterId];
    await until(() => all.every((id) => r.hits.some((h) => h.path === '/a' && h.body.data.id === id && h.status === 200)), 15_000, 'every event to be delivered');
    const final = (await w.domain(a.clientId))!;
    expect(final).toMatchObject({ blocked: false });
    expect(final.blocks).toHaveLength(1);
    const hooks = await hooksAdmin(a.call);
    expect(hooks.hooks_list.find((h) => h.id === (hookA.body as { data: { id: number } }).data.id)!.is_active).toBe(true);
  }, 40_000);
});
