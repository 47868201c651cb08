import type { StoreHash } from '@/lib/ids';
import type { ConnectionRepo } from '@/lib/repos/connections';
import type { ConnectDeps } from './definition';
import { remoteDefinitions } from './registry';

export interface DisconnectStoreDeps {
  /** The registry's connection dependencies per system; null where the app has no credentials for it. */
  connectDeps(providerId: string): ConnectDeps | null;
  connections: Pick<ConnectionRepo, 'get' | 'disconnect'>;
  log: { warn(obj: object, msg: string): void };
}

/**
 * After an uninstall: every remote system the store was connected to has its grant revoked at the system and its
 * tokens deleted (each connector's own disconnect). Without the app's credentials for a system nothing can be
 * revoked, but the tokens are still deleted; so they are when the revocation fails.
 */
export async function disconnectStore(deps: DisconnectStoreDeps, storeHash: StoreHash): Promise<Array<{ provider: string; revoked: boolean }>> {
  const outcomes: Array<{ provider: string; revoked: boolean }> = [];
  for (const definition of remoteDefinitions()) {
    if (!(await deps.connections.get(storeHash, definition.id))) continue;
    const connect = deps.connectDeps(definition.id);
    let revoked = false;
    try {
      if (connect) revoked = (await definition.connector.disconnect(connect, storeHash)).revoked;
    } catch (error) {
      deps.log.warn({ storeHash, provider: definition.id, error: String(error) }, 'uninstall: revoking the accounting grant failed');
    }
    await deps.connections.disconnect(storeHash, definition.id);
    outcomes.push({ provider: definition.id, revoked });
  }
  return outcomes;
}
