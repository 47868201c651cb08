import { describe, expect, it } from 'vitest';
import { frameAncestors, securityHeaders, storeHint, withStoreHint } from './security-headers';

const base = { sandboxOrigin: null, NODE_ENV: 'production' as const };

describe('security headers', () => {
  it('allow scripts only from the app with this request nonce, and never plugins or a changed base URL', () => {
    const csp = securityHeaders({ ...base, APP_URL: 'https://app.example.com' }, 'bm9uY2U=')['content-security-policy']!;
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives['script-src']).toBe("'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['base-uri']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'self' https://*.bigcommerce.com");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('send HSTS when the app is served over HTTPS, and not over plain HTTP', () => {
    expect(securityHeaders({ ...base, APP_URL: 'https://app.example.com' }, 'n')['strict-transport-security']).toBe('max-age=31536000');
    expect(securityHeaders({ ...base, APP_URL: 'http://localhost:3000' }, 'n')['strict-transport-security']).toBeUndefined();
  });

  it("let next dev evaluate code, and only next dev", () => {
    expect(securityHeaders({ ...base, NODE_ENV: 'development', APP_URL: 'http://localhost:3000' }, 'n')['content-security-policy']).toContain("'unsafe-eval'");
    expect(securityHeaders({ ...base, APP_URL: 'http://localhost:3000' }, 'n')['content-security-policy']).not.toContain('unsafe-eval');
  });

  it("admit the control panel of the request's store only, never every *.mybigcommerce.com site", () => {
    expect(frameAncestors({ sandboxOrigin: null }, 'abc123')).toBe("'self' https://*.bigcommerce.com https://store-abc123.mybigcommerce.com");
    expect(frameAncestors({ sandboxOrigin: 'http://127.0.0.1:4100' })).toBe("'self' https://*.bigcommerce.com http://127.0.0.1:4100");
    const csp = securityHeaders({ ...base, APP_URL: 'https://app.example.com' }, 'n', 'abc123')['content-security-policy']!;
    expect(csp).toContain('frame-ancestors \'self\' https://*.bigcommerce.com https://store-abc123.mybigcommerce.com;');
    expect(csp).not.toContain('*.mybigcommerce.com');
  });

  it('read the store from the page hint, the install context or the load payload, and nothing not shaped like a store hash', () => {
    const jwtWith = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
    expect(storeHint(new URL('https://a.test/?store=abc123'))).toBe('abc123');
    expect(storeHint(new URL('https://a.test/api/bigcommerce/auth?code=x&context=stores%2Fz9z9'))).toBe('z9z9');
    expect(storeHint(new URL(`https://a.test/api/bigcommerce/load?signed_payload_jwt=${jwtWith({ sub: 'stores/q1w2' })}`))).toBe('q1w2');
    for (const bad of ['?store=ABC', '?store=a.b', '?store=*', '?context=stores/a%20b', `?signed_payload_jwt=${jwtWith({ sub: 'stores/x y' })}`, '?signed_payload_jwt=garbage', '']) {
      expect(storeHint(new URL(`https://a.test/${bad}`)), bad).toBeNull();
    }
  });

  it('put the hint on a callback redirect, keeping the deep link query', () => {
    expect(withStoreHint('/activity?status=failed', 'abc')).toBe('/activity?status=failed&store=abc');
    expect(withStoreHint('/installed', 'abc')).toBe('/installed?store=abc');
    expect(withStoreHint('/?store=other', 'abc')).toBe('/?store=abc');
  });
});
