import { adminStore, onboardingCompletedAt } from '@/lib/admin/context';
import { loadOverview, webhookRefusals, type OverviewView } from '@/lib/admin/overview';
import { withSession } from '@/lib/http/with-session';
import { createWebhookRefusalRepo } from '@/lib/repos/webhook-refusals';

export const dynamic = 'force-dynamic';

/**
 * Counts, chart series, last problems, auto-sync, onboarding state, refused webhook deliveries (database only; the
 * store's counts are beside it).
 */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const [overview, onboardedAt, refusals] = await Promise.all([
    loadOverview({ db: ctx.db, storeHash: session.storeHash, provider: ctx.providerId, autoSync: ctx.settings.orders.autoSync }),
    onboardingCompletedAt(session.storeHash),
    webhookRefusals(createWebhookRefusalRepo({ db: ctx.db }), session.storeHash),
  ]);
  return Response.json({
    ...overview,
    provider: { id: ctx.providerId, name: ctx.provider.displayName },
    onboardedAt: onboardedAt?.toISOString() ?? null,
    webhookRefusals: refusals,
  } satisfies OverviewView);
});
