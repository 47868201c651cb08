'use client';

import { Badge, Box, Button, Flex, InlineMessage, Modal, Panel, Text } from '@bigcommerce/big-design';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { dateTime } from './format';
import { useMutation } from './hooks';
import { ApiError, useApiFetch, useSession } from './session';

interface ConnectionTest {
  target: 'store' | 'accounting';
  ok: boolean;
  checks: Array<{ check: string; ok: boolean; detail: string }>;
  testedAt: string;
}

function useConnectionTest() {
  return useMutation<{ target: string }, ConnectionTest>('POST', '/api/admin/connections/test');
}

/** What a "Test connection" checked, and the exact error otherwise. */
function TestResult({ test, idle }: { test: ReturnType<typeof useConnectionTest>; idle: string }) {
  const result = test.data;
  if (result) {
    return (
      <>
        <Badge label={result.ok ? 'Connected' : 'Problem'} variant={result.ok ? 'success' : 'danger'} />
        <ul style={{ margin: '0.5rem 0', paddingLeft: '1.25rem' }}>
          {result.checks.map((c) => (
            <li key={c.check}>
              <Text as="span" color={c.ok ? 'secondary70' : 'danger'}>
                {c.ok ? 'OK' : 'Failed'}: {c.check}. {c.detail}
              </Text>
            </li>
          ))}
        </ul>
        <Text color="secondary60">Checked {dateTime(result.testedAt)}</Text>
      </>
    );
  }
  if (test.error) return <Text color="danger">{test.error.message}</Text>;
  return <Text color="secondary60">{test.pending ? 'Testing…' : idle}</Text>;
}

/** Health of one connection with a "Test connection" button: what was checked, and the exact error otherwise. */
export function ConnectionCard({ target, title, autoTest = true }: { target: 'store' | 'accounting'; title: string; autoTest?: boolean }) {
  const test = useConnectionTest();
  const { run } = test;
  useEffect(() => {
    if (autoTest) void run({ target });
  }, [autoTest, run, target]);
  return (
    <Panel header={title}>
      <Box style={{ minHeight: 96 }} data-testid={`connection-${target}`}>
        <TestResult test={test} idle="Not tested yet." />
      </Box>
      <Button variant="secondary" isLoading={test.pending} onClick={() => void run({ target })}>
        Test connection
      </Button>
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------- Xero

export interface XeroConnectionView {
  status: 'connected' | 'choose_tenant' | 'reconnect';
  tenantName: string | null;
  lastError: string | null;
  connectedAt: string | null;
}

interface XeroStatus {
  configured: boolean;
  connection: XeroConnectionView | null;
}

/** How often the page asks whether the merchant has finished in Xero's window, and for how long at most. */
const POLL_MS = 1500;
const WAIT_LIMIT_MS = 15 * 60_000;

/**
 * The store's Xero connection, and connecting it in a new window. Xero's consent page cannot be shown inside the
 * control panel's iframe, so it opens in a window of its own; the page learns the outcome by asking the status route
 * (`GET /api/connections/xero`) every 1.5 s while that window is open, and once more when it closes or this frame
 * regains focus. Polling rather than a postMessage from the callback page: the popup's link back to this frame is cut
 * on purpose before it goes to Xero (Xero's pages get no handle on the control panel), a cross-origin
 * Cross-Origin-Opener-Policy on the way can cut it too, and the status route is the one source of truth (it also
 * sees a connection finished in another tab, or an organisation chosen minutes later).
 */
export function useXeroConnection() {
  const apiFetch = useApiFetch();
  const session = useSession();
  const [status, setStatus] = useState<XeroStatus | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  /** The consent URL when the browser refused to open a window: the merchant opens it from a link instead. */
  const [blockedUrl, setBlockedUrl] = useState<string | null>(null);
  const popup = useRef<Window | null>(null);
  const waitStarted = useRef(0);

  const refresh = useCallback(async (): Promise<XeroStatus | null> => {
    try {
      const next = await apiFetch<XeroStatus>('/api/connections/xero');
      setStatus(next);
      setLoadError(null);
      return next;
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      return null;
    }
  }, [apiFetch]);

  useEffect(() => {
    if (session.status === 'ready') void refresh();
  }, [refresh, session.status]);

  useEffect(() => {
    if (!waiting) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const closed = popup.current?.closed ?? false;
      const next = await refresh();
      if (cancelled) return;
      if (next?.connection?.status === 'connected') {
        setWaiting(false);
        setBlockedUrl(null);
        popup.current = null;
        return;
      }
      if (closed || Date.now() - waitStarted.current > WAIT_LIMIT_MS) {
        // The window was closed without finishing (or never came back): stop asking; Connect starts again.
        setWaiting(false);
        popup.current = null;
        return;
      }
      timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    const onFocus = () => void refresh();
    window.addEventListener('focus', onFocus);
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, [waiting, refresh]);

  const connect = useCallback(async () => {
    setActionError(null);
    setBlockedUrl(null);
    // Browsers allow a window only in the click itself: open it now, send it to Xero once the URL is known.
    const opened = window.open('', 'ledgerbridge-xero', 'popup,width=620,height=760');
    let url: string;
    try {
      url = (await apiFetch<{ url: string }>('/api/connections/xero/start')).url;
    } catch (e) {
      opened?.close();
      setActionError(e instanceof ApiError ? e.message : String(e));
      return;
    }
    if (opened) {
      // Cut the way back before Xero's pages load in it: nothing there can navigate the control panel's frame.
      opened.opener = null;
      opened.location.href = url;
      popup.current = opened;
    } else {
      setBlockedUrl(url);
    }
    waitStarted.current = Date.now();
    setWaiting(true);
  }, [apiFetch]);

  const cancel = useCallback(() => {
    popup.current?.close();
    popup.current = null;
    setWaiting(false);
    setBlockedUrl(null);
  }, []);

  const disconnect = useCallback(async (): Promise<boolean> => {
    setActionError(null);
    try {
      await apiFetch('/api/connections/xero', { method: 'DELETE' });
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : String(e));
      return false;
    }
    await refresh();
    return true;
  }, [apiFetch, refresh]);

  return { status, loadError, waiting, blockedUrl, actionError, connect, cancel, disconnect, refresh };
}

/**
 * Xero on the connections page and in onboarding: "Connect Xero" (consent in a new window), "Connected to <org>",
 * "Reconnect Xero" when the grant was revoked or expired, "Test connection" and "Disconnect".
 */
export function XeroConnectionCard({ onChange, showTest = true }: { onChange?: (connection: XeroConnectionView | null) => void; showTest?: boolean }) {
  const xero = useXeroConnection();
  const test = useConnectionTest();
  const [confirming, setConfirming] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);
  const connection = xero.status?.connection ?? null;
  // The parent hears of a change of state (connected, reconnect, gone), not of every poll.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const connectionRef = useRef(connection);
  connectionRef.current = connection;
  const loaded = xero.status !== null;
  const key = connection ? `${connection.status}:${connection.tenantName ?? ''}` : 'none';
  useEffect(() => {
    if (loaded) onChangeRef.current?.(connectionRef.current);
  }, [key, loaded]);

  let body: ReactNode;
  let actions: ReactNode = null;
  if (!xero.status) {
    body = xero.loadError ? <Text color="danger">Could not read the Xero connection: {xero.loadError.message}</Text> : <Text color="secondary60">Reading the Xero connection…</Text>;
  } else if (!xero.status.configured) {
    body = <Text color="secondary60">Xero cannot be connected on this installation yet.</Text>;
  } else if (xero.waiting) {
    body = (
      <>
        <Text marginBottom="xSmall">
          {connection?.status === 'choose_tenant' ? 'Choose the organisation in the Xero window to finish.' : 'Finish in the Xero window: sign in, choose your organisation and allow access.'}
        </Text>
        {xero.blockedUrl ? (
          <InlineMessage
            type="warning"
            header="Your browser blocked the Xero window"
            messages={[{ text: 'Open Xero’s page from this link; this page updates when you are done.', link: { text: 'Open Xero', href: xero.blockedUrl, target: '_blank', external: true } }]}
          />
        ) : null}
      </>
    );
    actions = (
      <Button variant="subtle" onClick={xero.cancel}>
        Cancel
      </Button>
    );
  } else if (connection?.status === 'connected') {
    body = (
      <>
        <Flex alignItems="center" flexGap="0.5rem" marginBottom="xSmall">
          <Badge label="Connected" variant="success" />
          <Text bold marginBottom="none" data-testid="xero-organisation">
            Connected to {connection.tenantName}
          </Text>
        </Flex>
        {connection.connectedAt ? <Text color="secondary60">Since {dateTime(connection.connectedAt)}. Orders are posted to this organisation.</Text> : null}
        {showTest && (test.data || test.error || test.pending) ? (
          <Box marginTop="small">
            <TestResult test={test} idle="" />
          </Box>
        ) : null}
      </>
    );
    actions = (
      <>
        {showTest ? (
          <Button
            variant="secondary"
            isLoading={test.pending}
            onClick={async () => {
              await test.run({ target: 'accounting' });
              // A test that finds the grant revoked turns the connection into "Reconnect Xero": show it at once.
              await xero.refresh();
            }}
          >
            Test connection
          </Button>
        ) : null}
        <Button variant="subtle" actionType="destructive" onClick={() => setConfirming(true)}>
          Disconnect
        </Button>
      </>
    );
  } else if (connection?.status === 'reconnect') {
    body = (
      <>
        <Flex alignItems="center" flexGap="0.5rem" marginBottom="xSmall">
          <Badge label="Reconnect needed" variant="danger" />
          <Text bold marginBottom="none" data-testid="xero-organisation">
            {connection.tenantName ?? 'Xero'}
          </Text>
        </Flex>
        <Text>
          {connection.lastError ?? 'Xero no longer accepts this connection.'} Orders wait and are posted once you reconnect; none is lost or posted twice.
        </Text>
      </>
    );
    actions = (
      <>
        <Button onClick={() => void xero.connect()}>Reconnect Xero</Button>
        <Button variant="subtle" actionType="destructive" onClick={() => setConfirming(true)}>
          Disconnect
        </Button>
      </>
    );
  } else {
    body = (
      <Text>
        {connection?.status === 'choose_tenant'
          ? 'Xero asked which organisation to use and none was chosen. Connect again to choose one.'
          : 'Post invoices, payments and credit notes to your Xero organisation. Xero opens in a new window to ask for your permission.'}
      </Text>
    );
    actions = <Button onClick={() => void xero.connect()}>Connect Xero</Button>;
  }

  return (
    <Panel header="Xero">
      <div data-testid="connection-xero" data-status={xero.waiting ? 'waiting' : (connection?.status ?? (xero.status ? 'none' : 'loading'))}>
        <Box style={{ minHeight: 96 }}>
          <div role="status" aria-live="polite">
            {body}
          </div>
          {xero.actionError ? (
            <Box marginTop="small">
              <InlineMessage type="error" messages={[{ text: xero.actionError }]} />
            </Box>
          ) : null}
        </Box>
        {actions ? (
          <Flex flexGap="0.75rem" marginTop="medium">
            {actions}
          </Flex>
        ) : null}
      </div>
      <Modal
        isOpen={confirming}
        header="Disconnect Xero?"
        onClose={() => setConfirming(false)}
        closeOnEscKey
        actions={[
          { text: 'Keep connected', variant: 'subtle', onClick: () => setConfirming(false) },
          {
            text: 'Disconnect',
            actionType: 'destructive',
            isLoading: disconnecting,
            onClick: async () => {
              setDisconnecting(true);
              const done = await xero.disconnect();
              setDisconnecting(false);
              if (done) setConfirming(false);
            },
          },
        ]}
      >
        <Text>
          Ledgerbridge gives up its access to {connection?.tenantName ?? 'your Xero organisation'} and posts new orders to the built-in ledger. Invoices already in
          Xero stay there.
        </Text>
      </Modal>
    </Panel>
  );
}
