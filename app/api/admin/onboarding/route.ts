import { startBackfill } from '@/lib/admin/backfill';
import { providerListings } from '@/lib/admin/connections';
import { adminStore, audit, backfillDeps, chartOf, onboardingCompletedAt, settingsRepo } from '@/lib/admin/context';
import { failure, parseBody, validationResponse } from '@/lib/admin/http';
import { completeOnboarding, completeOnboardingSchema } from '@/lib/admin/onboarding';
import { connectDeps } from '@/lib/deps';
import { env } from '@/lib/env';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Where onboarding stands, with what the wizard needs: providers, current rules and version. */
export const GET = withSession(async (_request, session) => {
  const [ctx, current, completedAt] = await Promise.all([
    adminStore(session),
    (await settingsRepo()).current(session.storeHash),
    onboardingCompletedAt(session.storeHash),
  ]);
  return Response.json({
    completedAt: completedAt?.toISOString() ?? null,
    providers: providerListings(ctx.providerId),
    version: current.version,
    orders: current.settings.orders,
    // Proposed on first open only (ONBOARDING_BACKFILL_FROM; the demo sets it): running the setup again proposes nothing.
    suggestedBackfillFrom: completedAt ? null : (env().ONBOARDING_BACKFILL_FROM ?? null),
  });
});

export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, completeOnboardingSchema);
  if (!input.ok) return input.response;
  const ctx = await adminStore(session);
  const repo = await settingsRepo();
  const backfill = await backfillDeps(session);
  const result = await completeOnboarding(
    {
      storeHash: session.storeHash,
      userId: session.userId,
      current: () => repo.current(session.storeHash),
      chart: () => chartOf(ctx),
      save: (settings, expectedVersion) => repo.save(session.storeHash, settings, { expectedVersion, actorUserId: session.userId }),
      setProvider: (provider) => ctx.storeSync.setProvider(session.storeHash, provider),
      connected: async (provider) => {
        const deps = await connectDeps(provider);
        const connection = deps ? await deps.connections.get(session.storeHash, provider) : null;
        return connection?.status === 'connected' && Boolean(connection.tenantId);
      },
      startBackfill: async (fromDate) => {
        const started = await startBackfill(backfill, { fromDate, writeBack: false });
        return started.ok ? { ok: true } : { ok: false, message: started.message };
      },
      audit: (action, detail) => audit(session, action, detail),
    },
    input.value,
  );
  if (!result.ok) return result.kind === 'Conflict' ? failure({ kind: 'Conflict', message: result.message }) : validationResponse(result.fields);
  return Response.json(result);
});
