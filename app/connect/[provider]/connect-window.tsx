'use client';

import { Box, ProgressCircle, StatusMessage } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { CONNECT_READY, CONNECT_SESSION, type ConnectSessionMessage } from '@/app/(embedded)/_components/connect-messages';

/**
 * The consent window opens here, on the app's own origin, so that what the app answers it is first party: the
 * connect page in the control panel (the window that opened this one, same origin) hands over its store session by
 * `postMessage`, this page asks the app for the consent URL (a POST that binds the flow to this browser with a
 * cookie, lib/accounting/connect/browser-binding.ts), cuts the way back to the control panel and goes on to the
 * system's consent page. Opened any other way (a link sent by someone else, a bookmark) it has no session to use.
 */
export function ConnectWindow({ provider }: { provider: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const opener = window.opener as Window | null;
    if (!opener) {
      setProblem('Connect your accounting system from Ledgerbridge’s Connections page in your BigCommerce control panel.');
      return;
    }
    let done = false;
    const timer = setTimeout(() => {
      if (!done) setProblem('Ledgerbridge’s page in the control panel did not answer. Close this window and press Connect again.');
    }, 15_000);
    const onMessage = (event: MessageEvent<ConnectSessionMessage>) => {
      if (done || event.origin !== window.location.origin || event.source !== opener || event.data?.type !== CONNECT_SESSION) return;
      done = true;
      clearTimeout(timer);
      void (async () => {
        const response = await fetch(`/api/connections/${encodeURIComponent(provider)}/start`, {
          method: 'POST',
          headers: { authorization: `Bearer ${event.data.token}`, accept: 'application/json' },
        }).catch(() => null);
        const body = (await response?.json().catch(() => null)) as { url?: string; error?: { message?: string } } | null;
        if (!response?.ok || !body?.url) {
          setProblem(body?.error?.message ?? 'The connection could not be started. Close this window and try again.');
          return;
        }
        // Nothing the system's pages run can reach the control panel's frame.
        window.opener = null;
        window.location.replace(body.url);
      })();
    };
    window.addEventListener('message', onMessage);
    opener.postMessage({ type: CONNECT_READY, provider }, window.location.origin);
    return () => {
      done = true;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
    };
  }, [provider]);

  return (
    <Box padding="xxLarge">
      {problem ? (
        <StatusMessage variant="unauthorized" heading="This window cannot connect on its own" message={problem} />
      ) : (
        <Box style={{ textAlign: 'center' }}>
          <ProgressCircle size="large" />
        </Box>
      )}
    </Box>
  );
}
