import { chooseXeroTenant, completeXeroConnection } from '@/lib/accounting/connect/xero';
import { xeroConnectDeps } from '@/lib/deps';
import { callbackFailurePage } from '@/lib/http/callback-failure';
import { messagePage } from '@/lib/http/message-page';
import { tenantChoicePage } from '@/lib/http/tenant-choice-page';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ provider: string }> };

async function deps(provider: string) {
  if (provider !== 'xero') return null;
  return xeroConnectDeps();
}

const connectedPage = (tenantName: string) =>
  messagePage({
    status: 200,
    variant: 'success',
    title: 'Xero is connected',
    message: `Ledgerbridge now posts your orders to ${tenantName}. You can close this window and return to the control panel.`,
  });

/** Xero sends the merchant back here (in the consent window, not the iframe) with a code and our signed state. */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const d = await deps((await params).provider);
  if (!d) return callbackFailurePage({ kind: 'NotFound', message: 'This accounting system cannot be connected.' });
  const query = new URL(request.url).searchParams;
  const result = await completeXeroConnection(d, { code: query.get('code'), state: query.get('state'), error: query.get('error') });
  if (!result.ok) return callbackFailurePage(result.error);
  if (result.value.kind === 'connected') return connectedPage(result.value.tenantName);
  return tenantChoicePage({ action: request.url.split('?')[0]!, state: result.value.state, tenants: result.value.tenants });
}

/** The organisation chosen on the choice page. */
export async function POST(request: Request, { params }: Context): Promise<Response> {
  const d = await deps((await params).provider);
  if (!d) return callbackFailurePage({ kind: 'NotFound', message: 'This accounting system cannot be connected.' });
  const form = new URLSearchParams(await request.text());
  const state = form.get('state');
  const tenantId = form.get('tenantId');
  if (!state || !tenantId) return callbackFailurePage({ kind: 'BadRequest', message: 'Choose an organisation.' });
  const result = await chooseXeroTenant(d, { state, tenantId });
  if (!result.ok) return callbackFailurePage(result.error);
  return connectedPage(result.value.tenantName);
}
