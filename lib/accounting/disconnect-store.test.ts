import { describe, expect, it } from 'vitest';
import type { StoreHash } from '@/lib/ids';
import type { ConnectionView } from '@/lib/repos/connections';
import { disconnectStore, type DisconnectStoreDeps } from './disconnect-store';
import { remoteDefinitions } from './registry';

const store = 'abc123' as StoreHash;

function fakeConnections(connected: string[]) {
  const rows = new Set(connected);
  const deleted: string[] = [];
  const connections = {
    async get(_storeHash: StoreHash, provider: string) {
      return rows.has(provider) ? ({ provider, status: 'connected' } as ConnectionView) : null;
    },
    async disconnect(_storeHash: StoreHash, provider: string) {
      rows.delete(provider);
      deleted.push(provider);
    },
  } satisfies DisconnectStoreDeps['connections'];
  return { connections, deleted, rows };
}

const log = { warn: () => {} };

describe('disconnectStore (after an uninstall)', () => {
  it('deletes the tokens of every connected remote system even where the app has no credentials to revoke them', async () => {
    const ids = remoteDefinitions().map((d) => d.id);
    const { connections, deleted, rows } = fakeConnections(ids);
    const outcomes = await disconnectStore({ connectDeps: () => null, connections, log }, store);
    expect(outcomes).toEqual(ids.map((provider) => ({ provider, revoked: false })));
    expect(deleted).toEqual(ids);
    expect(rows.size).toBe(0);
  });

  it('leaves systems the store never connected alone', async () => {
    const { connections, deleted } = fakeConnections([]);
    expect(await disconnectStore({ connectDeps: () => null, connections, log }, store)).toEqual([]);
    expect(deleted).toEqual([]);
  });
});
