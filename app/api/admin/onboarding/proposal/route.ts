import { adminStore, audit, chartOf, seenDeps, settingsRepo } from '@/lib/admin/context';
import { failure, parseBody, validationResponse } from '@/lib/admin/http';
import { loadSeen } from '@/lib/admin/mappings';
import { acceptProposal, acceptProposalSchema, loadProposal } from '@/lib/admin/mapping-proposal';
import { withSession } from '@/lib/http/with-session';
import { retryUnposted } from '@/lib/jobs/dispatch';

export const dynamic = 'force-dynamic';

/** The mappings proposed from the connected system's chart, each with its reason (nothing is saved). */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const repo = await settingsRepo();
  const view = await loadProposal({
    storeHash: session.storeHash,
    providerId: ctx.providerId,
    current: () => repo.current(session.storeHash),
    chart: () => chartOf(ctx),
    taxRatesSeen: async () => {
      const seen = await loadSeen({ settings: ctx.settings, chart: await chartOf(ctx), ...seenDeps(ctx, session.storeHash) });
      return { rates: seen.taxRates.map((r) => ({ name: r.name, rate: r.rate })), storeError: seen.storeError };
    },
  });
  return Response.json(view);
});

/** Accepts the proposal as the merchant saw it (with their choices): saved like any settings save, 409 on a concurrent one. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, acceptProposalSchema);
  if (!input.ok) return input.response;
  const ctx = await adminStore(session);
  const repo = await settingsRepo();
  const result = await acceptProposal(
    {
      current: () => repo.current(session.storeHash),
      chart: () => chartOf(ctx),
      save: (settings, expectedVersion) => repo.save(session.storeHash, settings, { expectedVersion, actorUserId: session.userId }),
      audit: (action, detail) => audit(session, action, detail),
      retryUnposted: () => retryUnposted(session.storeHash),
    },
    input.value,
  );
  if (!result.ok) return result.kind === 'Conflict' ? failure({ kind: 'Conflict', message: result.message }) : validationResponse(result.fields);
  return Response.json(result);
});
