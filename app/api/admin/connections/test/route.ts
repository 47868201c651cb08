import { z } from 'zod';
import { adminStore } from '@/lib/admin/context';
import { testAccountingConnection, testStoreConnection } from '@/lib/admin/connections';
import { parseBody } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

const body = z.object({ target: z.enum(['store', 'accounting'], 'Choose store or accounting') });

/** "Test connection": what was checked, and the exact error otherwise. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, body);
  if (!input.ok) return input.response;
  const ctx = await adminStore(session);
  const result = input.value.target === 'store' ? await testStoreConnection(ctx.client) : await testAccountingConnection(ctx.provider);
  return Response.json(result);
});
