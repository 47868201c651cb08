import { z } from 'zod';
import { adminStore, audit, chartOf, settingsRepo } from '@/lib/admin/context';
import { failure, parseBody, validationResponse } from '@/lib/admin/http';
import { validateSettingsInput } from '@/lib/admin/settings-form';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The store's settings (defaults until first saved) and their version, for optimistic saves. */
export const GET = withSession(async (_request, session) => {
  const current = await (await settingsRepo()).current(session.storeHash);
  return Response.json({ version: current.version, settings: current.settings, savedAt: current.savedAt?.toISOString() ?? null });
});

const body = z.object({ expectedVersion: z.number().int().min(0), settings: z.record(z.string(), z.unknown()) });

/** Saves the order rules or mappings: schema and chart references checked, field messages on refusal, 409 on a concurrent save. */
export const PUT = withSession(async (request, session) => {
  const input = await parseBody(request, body);
  if (!input.ok) return input.response;
  const ctx = await adminStore(session);
  const checked = validateSettingsInput(input.value.settings, await chartOf(ctx));
  if (!checked.ok) return validationResponse(checked.fields);
  const saved = await (await settingsRepo()).save(session.storeHash, checked.settings, {
    expectedVersion: input.value.expectedVersion,
    actorUserId: session.userId,
  });
  if (!saved.ok) {
    if (saved.reason === 'conflict') return failure({ kind: 'Conflict', message: 'Someone else saved the settings meanwhile. Reload to see their changes.' });
    return validationResponse(Object.fromEntries(saved.problems.map((p) => [p.path, p.message])));
  }
  await audit(session, 'settings.saved', { version: saved.version });
  return Response.json({ version: saved.version, settings: saved.settings });
});
