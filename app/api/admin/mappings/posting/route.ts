import { definitionOf, DEFAULT_PROVIDER, providers } from '@/lib/accounting/registry';
import { adminStore } from '@/lib/admin/context';
import { postingOptionsView } from '@/lib/admin/posting-options';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The posting section of the mappings page: whether it applies to the store's system, and its tracking categories read live. */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const definition = definitionOf(ctx.providerId) ?? providers[DEFAULT_PROVIDER];
  return Response.json(await postingOptionsView({ display: definition.display, settings: ctx.settings, describe: () => ctx.provider.describe() }));
});
