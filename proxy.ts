import { NextResponse } from 'next/server';
import { env } from '@/lib/env';
import { securityHeaders } from '@/lib/http/security-headers';

/** Next.js request proxy: adds the security headers (CSP frame-ancestors) to every response. */
export function proxy(): NextResponse {
  const response = NextResponse.next();
  for (const [name, value] of Object.entries(securityHeaders(env()))) response.headers.set(name, value);
  return response;
}

// Machine-to-machine endpoints (webhooks, Inngest) and static assets skip the proxy: they are never framed, and the
// webhook receiver's latency budget is a few milliseconds.
export const config = { matcher: '/((?!api/webhooks|api/inngest|_next/static|_next/image|favicon.ico).*)' };
