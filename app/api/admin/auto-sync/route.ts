import { z } from 'zod';
import { audit, settingsRepo } from '@/lib/admin/context';
import { failure, parseBody } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

const body = z.object({ enabled: z.boolean('Say true or false') });

/** Turns automatic sync on or off (settings.orders.autoSync); with it off, orders post only from the activity page. */
export const PUT = withSession(async (request, session) => {
  const input = await parseBody(request, body);
  if (!input.ok) return input.response;
  const repo = await settingsRepo();
  const current = await repo.current(session.storeHash);
  const next = { ...current.settings, orders: { ...current.settings.orders, autoSync: input.value.enabled } };
  const saved = await repo.save(session.storeHash, next, { expectedVersion: current.version, actorUserId: session.userId });
  if (!saved.ok) return failure({ kind: 'Conflict', message: 'The settings changed meanwhile; try again.' });
  await audit(session, input.value.enabled ? 'sync.enabled' : 'sync.disabled', { version: saved.version });
  return Response.json({ autoSync: saved.settings.orders.autoSync, version: saved.version });
});
