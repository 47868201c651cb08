import { httpStatusOf, type EdgeFailure } from '@/lib/errors';

/** JSON error body for API routes: `{error: {kind, message}}` with the failure's status. */
export function jsonFailure(failure: EdgeFailure): Response {
  return Response.json({ error: { kind: failure.kind, message: failure.message } }, { status: httpStatusOf(failure) });
}

/** Headers for every HTML answer from a callback: never cached, never sniffed. */
export const htmlHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;
