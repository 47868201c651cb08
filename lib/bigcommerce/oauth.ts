import { z } from 'zod';
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';

/**
 * Authorization-code exchange for a single-click app install.
 * https://developer.bigcommerce.com/docs/integrations/apps/guide/auth
 */
const tokenResponse = z.object({
  access_token: z.string().min(1),
  scope: z.string(),
  user: z.object({ id: z.number().int(), username: z.string().optional(), email: z.string() }),
  owner: z.object({ id: z.number().int(), username: z.string().optional(), email: z.string() }),
  context: z.string(),
  account_uuid: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponse>;

export interface ExchangeDeps {
  fetch: typeof fetch;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  timeoutMs?: number;
}

export async function exchangeCode(
  deps: ExchangeDeps,
  input: { code: string; scope: string; context: string },
): Promise<Result<TokenResponse, EdgeFailure>> {
  let response: Response;
  try {
    response = await deps.fetch(new URL('/oauth2/token', deps.loginUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_id: deps.clientId,
        client_secret: deps.clientSecret,
        code: input.code,
        context: input.context,
        scope: input.scope,
        grant_type: 'authorization_code',
        redirect_uri: deps.redirectUri,
      }),
      signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
    });
  } catch {
    return err({ kind: 'Upstream', message: 'BigCommerce could not be reached to complete the installation. Try again in a minute.' });
  }
  const text = await response.text();
  if (response.status >= 500) {
    return err({ kind: 'Upstream', message: `BigCommerce answered ${response.status} while completing the installation. Try again in a minute.` });
  }
  if (!response.ok) {
    // 4xx: the code was used, expired, belongs to another app, or our client credentials are wrong.
    return err({
      kind: 'Unauthorized',
      message: `BigCommerce refused the installation request (${response.status}${upstreamReason(text)}). Start the installation again from the control panel; if it keeps failing, the app's client id or secret is misconfigured.`,
    });
  }
  const parsed = tokenResponse.safeParse(safeJson(text));
  if (!parsed.success) {
    return err({ kind: 'Upstream', message: 'BigCommerce answered the installation request with an unexpected response.' });
  }
  return ok(parsed.data);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function upstreamReason(text: string): string {
  const body = safeJson(text) as { error?: unknown; title?: unknown; message?: unknown } | undefined;
  const reason = body?.error ?? body?.title ?? body?.message;
  return typeof reason === 'string' ? `: ${reason.slice(0, 200)}` : '';
}

/**
 * Does the granted scope list cover every required scope? A modify scope (`store_v2_orders`) covers its
 * read-only twin (`store_v2_orders_read_only`), never the other way round.
 */
export function missingScopes(granted: string, required: readonly string[]): string[] {
  const have = new Set(granted.split(/\s+/).filter(Boolean));
  return required.filter((scope) => {
    if (have.has(scope)) return false;
    if (scope.endsWith('_read_only') && have.has(scope.slice(0, -'_read_only'.length))) return false;
    return true;
  });
}
