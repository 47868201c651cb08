import { describe, expect, it } from 'vitest';
import { resolveDeepLink } from './deep-link';

const app = 'https://ledgerbridge.example.com';

describe('the load callback deep link', () => {
  it('keeps a path inside the app, with its query', () => {
    expect(resolveDeepLink('/', app)).toEqual({ ok: true, value: '/' });
    expect(resolveDeepLink('/activity?status=failed', app)).toEqual({ ok: true, value: '/activity?status=failed' });
    expect(resolveDeepLink('/orders/../settings', app)).toEqual({ ok: true, value: '/settings' });
    expect(resolveDeepLink('/mappings#frag', app)).toEqual({ ok: true, value: '/mappings' });
  });

  it('refuses with a 400 what a browser would read as another host', () => {
    for (const claim of ['/\t/evil.example/x', '/\n/evil.example', '/\r\n/evil.example', '\t//evil.example', '/\\evil.example', '\\\\evil.example', '/\u0000x']) {
      const result = resolveDeepLink(claim, app);
      expect(result.ok, JSON.stringify(claim)).toBe(false);
      if (!result.ok) expect(result.error.kind).toBe('BadRequest');
    }
  });

  it('refuses an absolute or protocol-relative URL, even to the app itself', () => {
    for (const claim of ['//evil.example/', 'https://evil.example/', `${app}/activity`, 'javascript:alert(1)', 'activity']) {
      expect(resolveDeepLink(claim, app).ok, claim).toBe(false);
    }
  });
});
