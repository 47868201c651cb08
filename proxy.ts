import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { securityHeaders, storeHint } from '@/lib/http/security-headers';
import { REQUEST_ID_HEADER, requestIdFrom } from '@/lib/request-id';

/**
 * Next.js request proxy: the security headers on every response (CSP with frame-ancestors and a per-request script
 * nonce, HSTS on HTTPS). The CSP also goes on the request, where Next's renderer reads the nonce and puts it on the
 * scripts it writes into the page (which is why the pages render per request: app/layout.tsx).
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = btoa(crypto.randomUUID());
  const headers = securityHeaders(env(), nonce, storeHint(request.nextUrl));
  const forwarded = new Headers(request.headers);
  forwarded.set('content-security-policy', headers['content-security-policy']!);
  // The request's id (lib/request-id.ts): the production server's when it set one, else new under `next dev`; the
  // route handlers' log lines carry it (lib/request-context.ts), and the answer names it.
  const requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
  forwarded.set(REQUEST_ID_HEADER, requestId);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

// Machine-to-machine endpoints (webhooks, Inngest) and static assets skip the proxy: they are never framed, and the
// webhook receiver's latency budget is a few milliseconds.
export const config = { matcher: '/((?!api/webhooks|api/inngest|_next/static|_next/image|favicon.ico).*)' };
