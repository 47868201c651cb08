import { z } from 'zod';
import { definitionOf, DEFAULT_PROVIDER, providers } from '@/lib/accounting/registry';
import { adminDb, adminStore, settingsRepo } from '@/lib/admin/context';
import { failure, parseBody, validationResponse } from '@/lib/admin/http';
import { saveSettings } from '@/lib/admin/save-settings';
import { createAuditRepo } from '@/lib/repos/audit';
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
  const books = (definitionOf(ctx.providerId) ?? providers[DEFAULT_PROVIDER]).stockLocations.map((l) => l.id);
  const storeLocations = async () => {
    // locations.v3.yml GET /inventory/locations; unreadable: the store's side is not checked (the push reports a bad one).
    const read = await ctx.client.inventoryLocations();
    return read.ok ? read.value.map((l) => l.id) : null;
  };
  const saved = await saveSettings(
    {
      storeHash: session.storeHash,
      actorUserId: session.userId,
      provider: ctx.provider,
      settings: await settingsRepo(),
      audit: createAuditRepo({ db: await adminDb() }),
      stockLocations: { books, store: storeLocations },
    },
    { settings: input.value.settings, expectedVersion: input.value.expectedVersion },
  );
  if (!saved.ok) {
    if (saved.kind === 'Conflict') return failure({ kind: 'Conflict', message: 'Someone else saved the settings meanwhile. Reload to see their changes.' });
    return validationResponse(saved.fields);
  }
  return Response.json({ version: saved.version, settings: saved.settings });
});
