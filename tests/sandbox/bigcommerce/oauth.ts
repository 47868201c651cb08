// `POST /oauth2/token`: BigCommerce's login service exchanging an auth code for a store's access token.
// https://developer.bigcommerce.com/docs/integrations/apps/guide/auth
import { timingSafeEqual } from 'node:crypto';
import type { Platform } from './platform';
import { type Router, parseObjectBody, sendJson } from './http';

/**
 * Error answers follow RFC 6749 §5.2 (`{"error": ..., "error_description": ...}`). BigCommerce answers a used or
 * unknown code with `invalid_grant` (seen in bigcommerce/omniauth-bigcommerce#36); the exact status codes and
 * descriptions of its other failures are not documented: see the sandbox README.
 */
function oauthError(status: number, error: string, description: string) {
  return { status, body: { error, error_description: description } };
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function registerOAuthRoutes(router: Router, platform: Platform): void {
  router.add('POST', '/oauth2/token', (ctx) => {
    const body = parseObjectBody(ctx);
    const field = (name: string): string | undefined => {
      const v = body[name];
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const result = exchange(platform, {
      clientId: field('client_id'),
      clientSecret: field('client_secret'),
      code: field('code'),
      context: field('context'),
      scope: field('scope'),
      grantType: field('grant_type'),
      redirectUri: field('redirect_uri'),
    });
    sendJson(ctx.res, result.status, result.body, { 'cache-control': 'no-store' });
  });
}

interface ExchangeInput {
  clientId?: string;
  clientSecret?: string;
  code?: string;
  context?: string;
  scope?: string;
  grantType?: string;
  redirectUri?: string;
}

export function exchange(platform: Platform, input: ExchangeInput): { status: number; body: unknown } {
  const missing = (['clientId', 'clientSecret', 'code', 'grantType', 'redirectUri'] as const).filter(
    (k) => input[k] === undefined,
  );
  if (missing.length > 0) {
    const names: Record<(typeof missing)[number], string> = {
      clientId: 'client_id',
      clientSecret: 'client_secret',
      code: 'code',
      grantType: 'grant_type',
      redirectUri: 'redirect_uri',
    };
    return oauthError(400, 'invalid_request', `Missing required parameter(s): ${missing.map((k) => names[k]).join(', ')}`);
  }
  if (input.grantType !== 'authorization_code') {
    return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code');
  }
  const app = platform.apps.find((a) => a.clientId === input.clientId);
  if (!app || !safeEqual(app.clientSecret, input.clientSecret!)) {
    return oauthError(401, 'invalid_client', 'Invalid client id or client secret.');
  }
  const code = platform.state.codes[input.code!];
  // A code is bound to the app it was minted for, the store (context) and a single use before its expiry.
  if (!code || code.client_id !== app.clientId) {
    return oauthError(400, 'invalid_grant', 'The authorization code is invalid.');
  }
  if (code.used_at !== null) {
    return oauthError(400, 'invalid_grant', 'The authorization code has already been used.');
  }
  if (platform.clock.now() >= code.expires_at) {
    return oauthError(400, 'invalid_grant', 'The authorization code has expired.');
  }
  if (input.context !== undefined && input.context !== `stores/${code.store_hash}`) {
    return oauthError(400, 'invalid_grant', 'The context does not match the authorization code.');
  }
  if (input.redirectUri !== platform.callbackUrl(app, 'auth')) {
    return oauthError(400, 'invalid_grant', 'The redirect_uri does not match the auth callback URL registered for the app.');
  }
  const { token, store, user } = platform.issueAppToken(code);
  const owner = platform.owner(store);
  return {
    status: 200,
    body: {
      access_token: token.token,
      scope: code.scope,
      user: { id: user.id, username: user.username, email: user.email },
      owner: { id: owner.id, username: owner.username, email: owner.email },
      context: `stores/${store.hash}`,
      account_uuid: platform.accountUuid(app),
    },
  };
}
