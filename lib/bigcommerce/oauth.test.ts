import { describe, expect, it } from 'vitest';
import { exchangeCode, missingScopes } from './oauth';

describe('granted scopes', () => {
  const required = ['store_v2_orders', 'store_v2_information_read_only', 'store_inventory'];

  it('accepts exactly the required scopes, in any order', () => {
    expect(missingScopes('store_inventory store_v2_information_read_only store_v2_orders', required)).toEqual([]);
  });

  it('lets a modify scope cover its read-only twin, never the reverse', () => {
    expect(missingScopes('store_v2_orders store_v2_information store_inventory', required)).toEqual([]);
    expect(missingScopes('store_v2_orders_read_only store_v2_information_read_only store_inventory', required)).toEqual([
      'store_v2_orders',
    ]);
  });

  it('lists every missing scope', () => {
    expect(missingScopes('', required)).toEqual(required);
  });
});

describe('code exchange', () => {
  const deps = (fetchImpl: typeof fetch) => ({
    fetch: fetchImpl,
    loginUrl: 'http://login.test',
    clientId: 'id',
    clientSecret: 'secret',
    redirectUri: 'http://app.test/api/bigcommerce/auth',
  });
  const input = { code: 'c', scope: 's', context: 'stores/abc' };

  it('sends the documented fields and parses the token', async () => {
    let sent: Record<string, string> = {};
    const result = await exchangeCode(
      deps(async (url, init) => {
        expect(String(url)).toBe('http://login.test/oauth2/token');
        sent = JSON.parse(String(init?.body));
        return Response.json({
          access_token: 't',
          scope: 's',
          user: { id: 1, email: 'u@x' },
          owner: { id: 1, email: 'u@x' },
          context: 'stores/abc',
          account_uuid: 'uuid',
        });
      }),
      input,
    );
    expect(sent).toEqual({
      client_id: 'id',
      client_secret: 'secret',
      code: 'c',
      context: 'stores/abc',
      scope: 's',
      grant_type: 'authorization_code',
      redirect_uri: 'http://app.test/api/bigcommerce/auth',
    });
    expect(result.ok && result.value.access_token).toBe('t');
  });

  it('maps a refused code to Unauthorized and an outage to Upstream', async () => {
    const refused = await exchangeCode(deps(async () => Response.json({ error: 'Invalid grant' }, { status: 400 })), input);
    expect(refused.ok ? null : refused.error).toMatchObject({ kind: 'Unauthorized', message: /Invalid grant/ });
    const down = await exchangeCode(deps(async () => new Response('oops', { status: 503 })), input);
    expect(down.ok ? null : down.error.kind).toBe('Upstream');
    const unreachable = await exchangeCode(
      deps(async () => {
        throw new TypeError('fetch failed');
      }),
      input,
    );
    expect(unreachable.ok ? null : unreachable.error.kind).toBe('Upstream');
  });
});
