import { startConsent } from './consent-start';
import type { LifecycleWorld } from './lifecycle-env';

/**
 * The merchant's consent window for QuickBooks without a browser: the app's start route gives Intuit's consent URL,
 * the sandbox's page is answered "Connect" for the given company, and its redirect (code, state, realmId) lands on the
 * app's callback.
 */
export async function connectQuickBooksThroughConsent(world: LifecycleWorld, token: string, realmId: string): Promise<Response> {
  const { url, cookie } = await startConsent(world.app.url, 'quickbooks', token);
  const page = await fetch(url);
  const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const consent = await fetch(`${world.sandbox.url}/quickbooks/connect/oauth2/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, realmId, action: 'connect' }).toString(),
  });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}`);
  return fetch(consent.headers.get('location')!, { headers: { cookie } });
}
