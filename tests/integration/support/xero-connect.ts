import { startConsent } from './consent-start';
import type { LifecycleWorld } from './lifecycle-env';

/** A session token for the store, as the control panel's load callback hands it to the app's pages. */
export async function sessionFor(world: LifecycleWorld, hash: string): Promise<string> {
  const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
  const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location')!;
  return decodeURIComponent(location.split('#session=')[1]!);
}

/**
 * The merchant's consent window without a browser: the app's start route gives Xero's consent URL (and the browser binding), the sandbox's
 * consent page is answered "Allow" for the given organisations, and its redirect lands on the app's callback.
 */
export async function connectThroughConsent(world: LifecycleWorld, token: string, tenantIds: string[]): Promise<Response> {
  const { url, cookie } = await startConsent(world.app.url, 'xero', token);
  const page = await fetch(url);
  const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const body = new URLSearchParams({ request, action: 'allow' });
  for (const id of tenantIds) body.append('tenantId', id);
  const consent = await fetch(`${world.sandbox.url}/xero/identity/connect/authorize/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}`);
  return fetch(consent.headers.get('location')!, { headers: { cookie } });
}
