import { adminStore } from '@/lib/admin/context';
import { failure, positiveInt } from '@/lib/admin/http';
import { previewOrder } from '@/lib/admin/order-detail';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Preview: the document the current settings would post for this order of the session's store; posts nothing. */
export const GET = withSession<{ params: Promise<{ orderId: string }> }>(async (_request, session, context) => {
  const orderId = positiveInt((await context.params).orderId);
  if (!orderId) return failure({ kind: 'NotFound', message: 'No such order.' });
  const ctx = await adminStore(session);
  const preview = await previewOrder({ pipeline: ctx.pipeline }, orderId);
  if (!preview.ok) return failure({ kind: preview.kind, message: preview.message });
  return Response.json(preview);
});
