import { carriesBinding, clearBindingCookie } from '@/lib/accounting/connect/browser-binding';
import { definitionOf } from '@/lib/accounting/registry';
import type { Connector, ConnectDeps, ProviderDisplay } from '@/lib/accounting/definition';
import { connectDeps } from '@/lib/deps';
import { env } from '@/lib/env';
import { callbackFailurePage } from '@/lib/http/callback-failure';
import { bodyFailureResponse, bodyText, FORM_BODY_LIMITS, readRequestBody } from '@/lib/http/read-body';
import { messagePage } from '@/lib/http/message-page';
import { tenantChoicePage } from '@/lib/http/tenant-choice-page';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ provider: string }> };

async function flow(provider: string): Promise<{ connector: Connector; display: ProviderDisplay; deps: ConnectDeps } | null> {
  const definition = definitionOf(provider);
  if (!definition?.connector) return null;
  const deps = await connectDeps(provider);
  return deps ? { connector: definition.connector, display: definition.display, deps } : null;
}

const connectedPage = (display: ProviderDisplay, tenantName: string) =>
  messagePage({
    status: 200,
    variant: 'success',
    title: `${display.name} is connected`,
    message: `Ledgerbridge now posts your orders to ${tenantName}. You can close this window and return to the control panel.`,
  });

/**
 * The system sends the merchant back here (in the consent window, not the iframe) with a code and our signed state.
 * Only the browser that started the flow is answered: it carries the flow's binding cookie
 * (lib/accounting/connect/browser-binding.ts), checked before the code is used.
 */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const provider = (await params).provider;
  const f = await flow(provider);
  if (!f) return callbackFailurePage({ kind: 'NotFound', message: 'This accounting system cannot be connected.' });
  const query = new URL(request.url).searchParams;
  const secure = new URL(env().APP_URL).protocol === 'https:';
  if (!carriesBinding({ provider, secret: f.deps.config.stateSecret, state: query.get('state'), cookieHeader: request.headers.get('cookie') })) {
    return callbackFailurePage({
      kind: 'Unauthorized',
      message: `This ${f.display.name} connection was started in another browser or window. Start it again from Ledgerbridge's Connections page, in this browser.`,
    });
  }
  const answer = await (async () => {
    const result = await f.connector.complete(f.deps, query);
    if (!result.ok) return callbackFailurePage(result.error);
    if (result.value.kind === 'connected') return connectedPage(f.display, result.value.tenantName);
    return tenantChoicePage({ action: request.url.split('?')[0]!, state: result.value.state, tenants: result.value.tenants, display: f.display });
  })();
  answer.headers.append('set-cookie', clearBindingCookie(provider, secure));
  return answer;
}

/** The organisation chosen on the choice page. */
export async function POST(request: Request, { params }: Context): Promise<Response> {
  const f = await flow((await params).provider);
  if (!f) return callbackFailurePage({ kind: 'NotFound', message: 'This accounting system cannot be connected.' });
  const body = await readRequestBody(request, FORM_BODY_LIMITS);
  if (!body.ok) return bodyFailureResponse(body.error);
  const form = new URLSearchParams(bodyText(body.bytes));
  const state = form.get('state');
  const tenantId = form.get('tenantId');
  if (!state || !tenantId) return callbackFailurePage({ kind: 'BadRequest', message: `Choose an ${f.display.tenantNoun}.` });
  const result = await f.connector.chooseTenant(f.deps, { state, tenantId });
  if (!result.ok) return callbackFailurePage(result.error);
  return connectedPage(f.display, result.value.tenantName);
}
