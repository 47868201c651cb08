import type { OpenContext, OpenedProvider, ProviderDefinition } from './definition';
import { disconnectedProvider } from './disconnected';

/**
 * A store's provider, and the accounting tenant whose limits it shares. A remote system without a live connection
 * answers every call with "Reconnect …": the pipeline holds each order with that message, and reconnecting
 * enqueues them again (nothing is lost).
 */
export async function openProvider(definition: ProviderDefinition, ctx: OpenContext): Promise<OpenedProvider> {
  if (definition.connector === null) return definition.open(ctx);
  const { name } = definition.display;
  const waiting = (message: string): OpenedProvider => ({
    provider: disconnectedProvider({ id: definition.id, displayName: name, limits: definition.limits, message }),
    tenant: null,
  });
  const connect = ctx.connect;
  const env = definition.connector.env;
  if (!connect) return waiting(`${name} is selected for this store but ${name} is not configured here (${env.clientId}, ${env.clientSecret}).`);
  const connection = await connect.connections.get(ctx.storeHash, definition.id);
  if (!connection || connection.status !== 'connected' || !connection.tenantId) {
    return waiting(`Reconnect ${definition.display.shortName}: the connection was revoked or expired. Orders wait and are posted once you reconnect.`);
  }
  return definition.connector.open({ ...ctx, connect }, { ...connection, tenantId: connection.tenantId });
}
