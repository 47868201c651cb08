import { describe, expect, it } from 'vitest';
import { bindingCookie, carriesBinding, clearBindingCookie } from './browser-binding';

const consentUrl = (state: string) => `https://login.example/authorize?client_id=c&state=${encodeURIComponent(state)}`;
const pair = (cookie: string) => cookie.split(';')[0]!;

describe('browser binding of a connection flow', () => {
  it('is a first-party, HttpOnly, Lax cookie on the provider callback path, Secure over HTTPS, living as long as a state', () => {
    const cookie = bindingCookie({ provider: 'p1', secret: 's', consentUrl: consentUrl('abc.def'), secure: true });
    expect(cookie).toMatch(/^lb_connect_p1=[\w-]{43}; Path=\/api\/connections\/p1\/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    expect(bindingCookie({ provider: 'p1', secret: 's', consentUrl: consentUrl('abc.def'), secure: false })).not.toContain('Secure');
    expect(clearBindingCookie('p1', false)).toBe('lb_connect_p1=; Path=/api/connections/p1/callback; Max-Age=0; HttpOnly; SameSite=Lax');
  });

  it('is carried only for the state it was made for, by that provider, under that secret', () => {
    const cookie = pair(bindingCookie({ provider: 'p1', secret: 's', consentUrl: consentUrl('state-1'), secure: false }));
    const check = (over: Partial<Parameters<typeof carriesBinding>[0]>) =>
      carriesBinding({ provider: 'p1', secret: 's', state: 'state-1', cookieHeader: `other=1; ${cookie}`, ...over });
    expect(check({})).toBe(true);
    expect(check({ state: 'state-2' })).toBe(false);
    expect(check({ secret: 't' })).toBe(false);
    expect(check({ provider: 'p2', cookieHeader: cookie.replace('lb_connect_p1', 'lb_connect_p2').replace(/=.*/, '=x') })).toBe(false);
    expect(check({ cookieHeader: null })).toBe(false);
    expect(check({ state: null })).toBe(false);
    expect(check({ cookieHeader: 'lb_connect_p1=' })).toBe(false);
  });
});
