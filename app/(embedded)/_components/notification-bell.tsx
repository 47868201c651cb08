'use client';

import { Badge, Box, Button, Flex, Text } from '@bigcommerce/big-design';
import { NotificationsIcon } from '@bigcommerce/big-design-icons';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { UnreadCountView } from '@/lib/admin/notifications';
import { useApiFetch, useSession } from './session';

// The list is loaded on the first click only: the shell every page carries stays small.
const NotificationList = lazy(() => import('./notification-list'));

const POLL_MS = 60_000;

/** The bell in the header: the store's unread count; a click opens the list (issue 17). */
export function NotificationBell() {
  const apiFetch = useApiFetch();
  const session = useSession();
  const [unread, setUnread] = useState<number | null>(null);
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);

  const refresh = useCallback(() => {
    apiFetch<UnreadCountView>('/api/admin/notifications/count').then(
      (view) => setUnread(view.unread),
      () => undefined,
    );
  }, [apiFetch]);

  useEffect(() => {
    if (session.status !== 'ready') return;
    refresh();
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, [refresh, session.status]);

  // The panel closes on Escape and on a click outside it, like a menu.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onDown = (e: MouseEvent) => container.current && !container.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [open]);

  const label = unread ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <Box ref={container} style={{ position: 'relative' }}>
      <Flex alignItems="center">
        <Button
          variant="subtle"
          iconOnly={<NotificationsIcon title={label} />}
          aria-label={label}
          aria-expanded={open}
          aria-controls="notification-panel"
          data-testid="notification-bell"
          onClick={() => setOpen((o) => !o)}
        />
        {unread ? (
          <Badge label={String(unread)} variant="danger" data-testid="notification-count" />
        ) : null}
      </Flex>
      {open ? (
        <Box
          id="notification-panel"
          role="region"
          aria-label="Notifications"
          backgroundColor="white"
          shadow="floating"
          border="box"
          borderRadius="normal"
          padding="medium"
          style={{ position: 'absolute', right: 0, top: '100%', width: 420, maxHeight: 480, overflowY: 'auto', zIndex: 10 }}
        >
          <Suspense fallback={<Text marginBottom="none">Loading notifications…</Text>}>
            <NotificationList onChanged={setUnread} onNavigate={() => setOpen(false)} />
          </Suspense>
        </Box>
      ) : null}
    </Box>
  );
}
