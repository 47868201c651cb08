import { adminStore, audit } from '@/lib/admin/context';
import { failure, parseBody } from '@/lib/admin/http';
import { importItemsSchema, importView } from '@/lib/admin/items-stock';
import { withSession } from '@/lib/http/with-session';
import { TransientFailure } from '@/lib/errors';
import { importItems } from '@/lib/jobs/items';

export const dynamic = 'force-dynamic';

/** "Import items": `dryRun: true` previews what would be created or updated and the catalog's problems; `false` writes it. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, importItemsSchema);
  if (!input.ok) return input.response;
  const ctx = await adminStore(session);
  try {
    const result = await importItems(ctx, input.value);
    if (!result.dryRun) {
      await audit(session, 'items.imported', { created: result.created, updated: result.updated, failed: result.failed.length, system: result.system });
    }
    return Response.json(importView(result));
  } catch (error) {
    if (error instanceof TransientFailure) return failure({ kind: 'Upstream', message: error.message });
    throw error;
  }
});
