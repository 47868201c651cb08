import { completeInstall } from '@/lib/bigcommerce/install';
import { lifecycleDeps } from '@/lib/deps';
import { callbackFailurePage } from '@/lib/http/callback-failure';
import { messagePage } from '@/lib/http/message-page';
import { withStoreHint } from '@/lib/http/security-headers';

export const dynamic = 'force-dynamic';

/** Install callback: BigCommerce opens this in the control-panel iframe with a one-time code. */
export async function GET(request: Request): Promise<Response> {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const result = await completeInstall(await lifecycleDeps(), query);
  if (!result.ok) return callbackFailurePage(result.error);
  const next = `${withStoreHint('/installed', result.value.storeHash)}#session=${encodeURIComponent(result.value.sessionToken)}`;
  return messagePage({
    status: 200,
    variant: 'success',
    title: result.value.reinstall ? 'Ledgerbridge has been reinstalled' : 'Ledgerbridge is installed',
    message: 'Your store is connected. Continue to choose where your orders should be posted.',
    action: { label: 'Continue to Ledgerbridge', href: next },
    redirectTo: next,
  });
}
