import { describe, expect, it } from 'vitest';
import { err, ok } from '@/lib/errors';
import type { BigCommerceClient } from './client';
import { ensureWebhooks } from './ensure-webhooks';
import type { BcHook, HookInput } from './model';

const DEST = 'https://app.test/api/webhooks/bigcommerce';
const SECRET = { name: 'x-ledgerbridge-secret', value: 's3cret' };
const SCOPES = ['store/order/created', 'store/order/updated', 'store/order/statusUpdated'];

/** An in-memory store of this token's hooks, behaving like /v3/hooks. */
function fakeHooks(initial: Array<Omit<BcHook, 'id'>>) {
  let nextId = 1;
  const hooks: BcHook[] = initial.map((h) => ({ ...h, id: nextId++ }));
  const calls: string[] = [];
  const client = {
    async listHooks() {
      calls.push('list');
      return ok(hooks.map((h) => ({ ...h })));
    },
    async createHook(input: HookInput) {
      calls.push(`create ${input.scope}`);
      const hook = { id: nextId++, scope: input.scope, destination: input.destination, isActive: input.isActive ?? true, headers: input.headers ?? {} };
      hooks.push(hook);
      return ok({ ...hook });
    },
    async updateHook(id: number, patch: Partial<HookInput>) {
      calls.push(`update ${id} ${Object.keys(patch).sort().join(',')}`);
      const hook = hooks.find((h) => h.id === id);
      if (!hook) return err({ kind: 'NotFound' as const, message: 'no hook' });
      Object.assign(hook, {
        ...(patch.destination ? { destination: patch.destination } : {}),
        ...(patch.isActive !== undefined ? { isActive: patch.isActive } : {}),
        ...(patch.headers ? { headers: patch.headers } : {}),
      });
      return ok({ ...hook });
    },
    async deleteHook(id: number) {
      calls.push(`delete ${id}`);
      const i = hooks.findIndex((h) => h.id === id);
      const [removed] = hooks.splice(i, 1);
      return ok(removed ?? null);
    },
  } satisfies Pick<BigCommerceClient, 'listHooks' | 'createHook' | 'updateHook' | 'deleteHook'>;
  return { client, hooks, calls };
}

describe('ensureWebhooks', () => {
  it('creates every missing hook with the secret header, and does nothing the second time', async () => {
    const { client, hooks, calls } = fakeHooks([]);
    const first = await ensureWebhooks(client, { destination: DEST, scopes: SCOPES, secretHeader: SECRET });
    expect(first).toEqual({ ok: true, value: { created: SCOPES, reactivated: [], repaired: [], deleted: [], unchanged: [] } });
    expect(hooks.every((h) => h.destination === DEST && h.isActive && h.headers[SECRET.name] === SECRET.value)).toBe(true);
    calls.length = 0;
    const second = await ensureWebhooks(client, { destination: DEST, scopes: SCOPES, secretHeader: SECRET });
    expect(second).toEqual({ ok: true, value: { created: [], reactivated: [], repaired: [], deleted: [], unchanged: SCOPES } });
    expect(calls).toEqual(['list']);
  });

  it('reactivates a deactivated hook, repairs a wrong destination or secret, and deletes duplicates', async () => {
    const { client, hooks } = fakeHooks([
      { scope: 'store/order/created', destination: DEST, isActive: false, headers: { [SECRET.name]: SECRET.value } },
      { scope: 'store/order/updated', destination: 'https://old-host.test/wh', isActive: true, headers: { [SECRET.name]: SECRET.value } },
      { scope: 'store/order/statusUpdated', destination: DEST, isActive: true, headers: { [SECRET.name]: 'rotated-away' } },
      { scope: 'store/order/statusUpdated', destination: 'https://old-host.test/wh', isActive: true, headers: {} },
    ]);
    const r = await ensureWebhooks(client, { destination: DEST, scopes: SCOPES, secretHeader: SECRET });
    expect(r).toEqual({
      ok: true,
      value: { created: [], reactivated: ['store/order/created'], repaired: ['store/order/updated', 'store/order/statusUpdated'], deleted: [4], unchanged: [] },
    });
    expect(hooks).toHaveLength(3);
    for (const h of hooks) expect(h).toMatchObject({ destination: DEST, isActive: true, headers: { [SECRET.name]: SECRET.value } });
  });

  it('returns the first failure', async () => {
    const { client } = fakeHooks([]);
    const failing = { ...client, listHooks: async () => err({ kind: 'Unauthorized' as const, message: 'revoked' }) };
    expect(await ensureWebhooks(failing, { destination: DEST, scopes: SCOPES, secretHeader: SECRET })).toEqual({ ok: false, error: { kind: 'Unauthorized', message: 'revoked' } });
  });
});
