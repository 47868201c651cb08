import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

const base = { sandboxOrigin: null, NODE_ENV: 'production' as const };

describe('security headers', () => {
  it('allow scripts only from the app with this request nonce, and never plugins or a changed base URL', () => {
    const csp = securityHeaders({ ...base, APP_URL: 'https://app.example.com' }, 'bm9uY2U=')['content-security-policy']!;
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives['script-src']).toBe("'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['base-uri']).toBe("'none'");
    expect(directives['frame-ancestors']).toContain('https://*.bigcommerce.com');
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
});
