import { InngestTestEngine } from '@inngest/test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { STORE } from '@/tests/integration/support/sync-job-fakes';

/** store/installed with @inngest/test: hooks ensured, then the first sweep; failures mapped for Inngest. */
const hooks = vi.hoisted(() => ({ outcome: null as unknown }));
vi.mock('@/lib/context', () => ({ storeContext: vi.fn(async () => ({ stores: {} })) }));
vi.mock('@/lib/env', () => ({ env: () => ({ BIGCOMMERCE_API_URL: 'http://127.0.0.1:1', APP_URL: 'http://127.0.0.1:2' }) }));
vi.mock('@/lib/bigcommerce/store-webhooks', () => ({ registerStoreWebhooks: vi.fn(async () => hooks.outcome) }));
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { storeInstalledFunction } = await import('./store-lifecycle');

const installed = [{ name: 'store/installed', data: { storeHash: STORE } }] as [{ name: string; data: Record<string, unknown> }];
const run = () => new InngestTestEngine({ function: storeInstalledFunction, events: installed, steps: [{ id: 'first-sweep', handler: () => ({ ids: [] }) }] }).execute();

describe('store/installed', () => {
  beforeEach(() => vi.clearAllMocks());

  it('ensures the webhooks, then starts the first sweep for the store', async () => {
    hooks.outcome = { ok: true, value: { created: 6, repaired: 0, deleted: 0 } };
    const { result, ctx } = await run();
    expect(result).toEqual({ hooks: { created: 6, repaired: 0, deleted: 0 } });
    expect(ctx.step.run.mock.calls.map((c) => c[0])).toEqual(['ensure-webhooks']);
    expect(ctx.step.sendEvent).toHaveBeenCalledWith('first-sweep', expect.objectContaining({ name: 'store/sweep', data: { storeHash: STORE } }));
  });

  it('a rate limit while registering becomes RetryAfterError; the sweep waits for the hooks', async () => {
    hooks.outcome = { ok: false, error: { kind: 'RateLimited', message: '429', resetMs: 4_000 } };
    const { error, ctx } = await run();
    expect(error).toMatchObject({ name: 'RetryAfterError' });
    expect(ctx.step.sendEvent).not.toHaveBeenCalled();
  });

  it('a store that refuses our token is not retried (NonRetriableError)', async () => {
    hooks.outcome = { ok: false, error: { kind: 'Unauthorized', message: 'revoked' } };
    const { error } = await run();
    expect(error).toMatchObject({ name: 'NonRetriableError' });
  });

  it('an outage is an ordinary retriable error', async () => {
    hooks.outcome = { ok: false, error: { kind: 'Unavailable', message: '503' } };
    const { error } = await run();
    expect(error).toMatchObject({ name: 'Error' });
    expect((error as { message?: string } | undefined)?.message).toMatch(/Unavailable/);
  });
});
