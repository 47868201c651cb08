import { adminStore, onboardingCompletedAt } from '@/lib/admin/context';
import { loadOverview, type OverviewView } from '@/lib/admin/overview';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Counts, chart series, last problems, auto-sync, onboarding state (database only; the store's counts are beside it). */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const [overview, onboardedAt] = await Promise.all([
    loadOverview({ db: ctx.db, storeHash: session.storeHash, provider: ctx.providerId, autoSync: ctx.settings.orders.autoSync }),
    onboardingCompletedAt(session.storeHash),
  ]);
  return Response.json({ ...overview, provider: { id: ctx.providerId, name: ctx.provider.displayName }, onboardedAt: onboardedAt?.toISOString() ?? null } satisfies OverviewView);
});
