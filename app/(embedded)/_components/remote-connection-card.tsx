'use client';

import { Badge, Box, Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ProviderListing } from '@/lib/admin/connections';
import { CONNECT_READY, CONNECT_SESSION, type ConnectReadyMessage, type ConnectSessionMessage } from './connect-messages';
import { TestResult, useConnectionTest } from './connection-card';
import { dateTime } from './format';
import { Modal } from './lazy';
import { ApiError, useApiFetch, useSession } from './session';

// Connecting a remote accounting system from the connections page and the onboarding wizard: a module apart
// from connection-card.tsx, so the overview's connection cards do not carry it (issue 16's JavaScript budget).

export interface RemoteConnectionView {
  status: 'connected' | 'choose_tenant' | 'reconnect';
  tenantName: string | null;
  lastError: string | null;
  connectedAt: string | null;
}

interface RemoteStatus {
  configured: boolean;
  connection: RemoteConnectionView | null;
}

/** A remote accounting system as the provider listings describe it (lib/admin/connections.ts). */
export type RemoteSystem = Pick<ProviderListing, 'id' | 'name' | 'shortName' | 'description' | 'tenantNoun'>;

/** How often the page asks whether the merchant has finished in the system's window, and for how long at most. */
const POLL_MS = 1500;
const WAIT_LIMIT_MS = 15 * 60_000;

/**
 * The store's connection to a remote system, and connecting it in a new window. Consent pages (Xero's, Intuit's)
 * cannot be shown inside the control panel's iframe, so they open in a window of their own; the page learns the
 * outcome by asking the status route (`GET /api/connections/<id>`) every 1.5 s while that window is open, and once
 * more when it closes or this frame regains focus. Polling rather than a postMessage from the callback page: the
 * popup's link back to this frame is cut on purpose before it goes to the system (its pages get no handle on the
 * control panel), a cross-origin
 * Cross-Origin-Opener-Policy on the way can cut it too, and the status route is the one source of truth (it also
 * sees a connection finished in another tab, or an organisation chosen minutes later).
 */
export function useRemoteConnection(id: string) {
  const apiFetch = useApiFetch();
  const session = useSession();
  const [status, setStatus] = useState<RemoteStatus | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  /** The browser refused to open the consent window: the merchant opens it with a button (a click of their own). */
  const [blocked, setBlocked] = useState(false);
  const handshake = useRef<((event: MessageEvent<ConnectReadyMessage>) => void) | null>(null);
  const popup = useRef<Window | null>(null);
  const waitStarted = useRef(0);

  const refresh = useCallback(async (): Promise<RemoteStatus | null> => {
    try {
      const next = await apiFetch<RemoteStatus>(`/api/connections/${id}`);
      setStatus(next);
      setLoadError(null);
      return next;
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      return null;
    }
  }, [apiFetch, id]);

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
        setBlocked(false);
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

  const stopHandshake = useCallback(() => {
    if (handshake.current) window.removeEventListener('message', handshake.current);
    handshake.current = null;
  }, []);

  // The consent window opens on the app's connect page (app/connect/), which asks for the session once it is ready
  // and then binds the flow to its browser (lib/accounting/connect/browser-binding.ts).
  const connect = useCallback(async () => {
    setActionError(null);
    setBlocked(false);
    stopHandshake();
    if (session.status !== 'ready') {
      setActionError('Your session has ended. Open Ledgerbridge again from the control panel.');
      return;
    }
    const token = session.token;
    const opened = window.open(`/connect/${encodeURIComponent(id)}`, `ledgerbridge-${id}`, 'popup,width=620,height=760');
    if (!opened) {
      setBlocked(true);
    } else {
      const onMessage = (event: MessageEvent<ConnectReadyMessage>) => {
        if (event.source !== opened || event.origin !== window.location.origin || event.data?.type !== CONNECT_READY) return;
        const answer: ConnectSessionMessage = { type: CONNECT_SESSION, token };
        opened.postMessage(answer, window.location.origin);
        stopHandshake();
      };
      handshake.current = onMessage;
      window.addEventListener('message', onMessage);
      popup.current = opened;
    }
    waitStarted.current = Date.now();
    setWaiting(true);
  }, [id, session, stopHandshake]);

  const cancel = useCallback(() => {
    popup.current?.close();
    popup.current = null;
    stopHandshake();
    setWaiting(false);
    setBlocked(false);
  }, [stopHandshake]);

  useEffect(() => stopHandshake, [stopHandshake]);

  const disconnect = useCallback(async (): Promise<boolean> => {
    setActionError(null);
    try {
      await apiFetch(`/api/connections/${id}`, { method: 'DELETE' });
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : String(e));
      return false;
    }
    await refresh();
    return true;
  }, [apiFetch, refresh, id]);

  return { status, loadError, waiting, blocked, actionError, connect, cancel, disconnect, refresh };
}

/**
 * A remote system on the connections page and in onboarding: "Connect <system>" (consent in a new window),
 * "Connected to <organisation>", "Reconnect <system>" when the grant was revoked or expired, "Test connection" and
 * "Disconnect".
 */
export function RemoteConnectionCard({
  system,
  onChange,
  showTest = true,
}: {
  system: RemoteSystem;
  onChange?: (connection: RemoteConnectionView | null) => void;
  showTest?: boolean;
}) {
  const remote = useRemoteConnection(system.id);
  const { name, shortName, tenantNoun } = system;
  const test = useConnectionTest();
  const [confirming, setConfirming] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);
  const connection = remote.status?.connection ?? null;
  // The parent hears of a change of state (connected, reconnect, gone), not of every poll.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const connectionRef = useRef(connection);
  connectionRef.current = connection;
  const loaded = remote.status !== null;
  const key = connection ? `${connection.status}:${connection.tenantName ?? ''}` : 'none';
  useEffect(() => {
    if (loaded) onChangeRef.current?.(connectionRef.current);
  }, [key, loaded]);

  let body: ReactNode;
  let actions: ReactNode = null;
  if (!remote.status) {
    body = remote.loadError ? <Text color="danger">Could not read the {name} connection: {remote.loadError.message}</Text> : <Text color="secondary60">Reading the {name} connection…</Text>;
  } else if (!remote.status.configured) {
    body = <Text color="secondary60">{name} cannot be connected on this installation yet.</Text>;
  } else if (remote.waiting) {
    body = (
      <>
        <Text marginBottom="xSmall">
          {connection?.status === 'choose_tenant'
            ? `Choose the ${tenantNoun} in the ${name} window to finish.`
            : `Finish in the ${name} window: sign in, choose your ${tenantNoun} and allow access.`}
        </Text>
        {remote.blocked ? (
          <InlineMessage
            type="warning"
            header={`Your browser blocked the ${name} window`}
            messages={[{ text: `Open it with this button; this page updates when you are done.` }]}
            actions={[{ text: `Open ${shortName}`, onClick: () => void remote.connect() }]}
          />
        ) : null}
      </>
    );
    actions = (
      <Button variant="subtle" onClick={remote.cancel}>
        Cancel
      </Button>
    );
  } else if (connection?.status === 'connected') {
    body = (
      <>
        <Flex alignItems="center" flexGap="0.5rem" marginBottom="xSmall">
          <Badge label="Connected" variant="success" />
          <Text bold marginBottom="none" data-testid="connection-tenant">
            Connected to {connection.tenantName}
          </Text>
        </Flex>
        {connection.connectedAt ? <Text color="secondary60">Since {dateTime(connection.connectedAt)}. Orders are posted to this {tenantNoun}.</Text> : null}
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
              // A test that finds the grant revoked turns the connection into "Reconnect …": show it at once.
              await remote.refresh();
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
          <Text bold marginBottom="none" data-testid="connection-tenant">
            {connection.tenantName ?? name}
          </Text>
        </Flex>
        <Text>
          {connection.lastError ?? `${name} no longer accepts this connection.`} Orders wait and are posted once you reconnect; none is lost or posted twice.
        </Text>
      </>
    );
    actions = (
      <>
        <Button onClick={() => void remote.connect()}>Reconnect {shortName}</Button>
        <Button variant="subtle" actionType="destructive" onClick={() => setConfirming(true)}>
          Disconnect
        </Button>
      </>
    );
  } else {
    body = (
      <Text>
        {connection?.status === 'choose_tenant'
          ? `${name} asked which ${tenantNoun} to use and none was chosen. Connect again to choose one.`
          : `${system.description} ${name} opens in a new window to ask for your permission.`}
      </Text>
    );
    actions = <Button onClick={() => void remote.connect()}>Connect {shortName}</Button>;
  }

  return (
    <Panel header={name}>
      <div data-testid={`connection-${system.id}`} data-status={remote.waiting ? 'waiting' : (connection?.status ?? (remote.status ? 'none' : 'loading'))}>
        <Box style={{ minHeight: 96 }}>
          <div role="status" aria-live="polite">
            {body}
          </div>
          {remote.actionError ? (
            <Box marginTop="small">
              <InlineMessage type="error" messages={[{ text: remote.actionError }]} />
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
        header={`Disconnect ${shortName}?`}
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
              const done = await remote.disconnect();
              setDisconnecting(false);
              if (done) setConfirming(false);
            },
          },
        ]}
      >
        <Text>
          Ledgerbridge gives up its access to {connection?.tenantName ?? `your ${name} ${tenantNoun}`} and posts new orders to the built-in ledger. Documents already in{' '}
          {name} stay there.
        </Text>
      </Modal>
    </Panel>
  );
}
