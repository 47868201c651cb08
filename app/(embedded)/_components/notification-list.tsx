'use client';

import { Box, Button, Flex, H4, Small, Text } from '@bigcommerce/big-design';
import { useCallback, useEffect, useState } from 'react';
import type { NotificationsView } from '@/lib/admin/notifications';
import { AppLink } from './app-link';
import { dateTime } from './format';
import { useApiFetch } from './session';

/** The notification centre's list (loaded lazily by the bell): newest first, each read on its own or all at once. */
export default function NotificationList({ onChanged, onNavigate }: { onChanged: (unread: number) => void; onNavigate: () => void }) {
  const apiFetch = useApiFetch();
  const [view, setView] = useState<NotificationsView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    apiFetch<NotificationsView>('/api/admin/notifications?limit=50').then(
      (v) => {
        setView(v);
        onChanged(v.unread);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [apiFetch, onChanged]);

  useEffect(load, [load]);

  const markRead = async (body: { ids: number[] } | { all: true }) => {
    try {
      const result = await apiFetch<{ unread: number }>('/api/admin/notifications/read', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      onChanged(result.unread);
      load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (error) return <Text color="danger" marginBottom="none">Notifications could not be loaded: {error}</Text>;
  if (!view) return <Text marginBottom="none">Loading notifications…</Text>;
  return (
    <Box data-testid="notification-list">
      <Flex justifyContent="space-between" alignItems="center" marginBottom="small">
        <H4 marginBottom="none">Notifications</H4>
        {view.unread > 0 ? (
          <Button variant="subtle" onClick={() => void markRead({ all: true })} data-testid="notifications-mark-all">
            Mark all read
          </Button>
        ) : null}
      </Flex>
      {view.notifications.length === 0 ? <Text marginBottom="none">Nothing to tell you yet.</Text> : null}
      <Box as="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {view.notifications.map((n) => (
          <Box
            as="li"
            key={n.id}
            paddingVertical="small"
            borderBottom="box"
            data-testid="notification-item"
            data-read={n.read ? 'true' : 'false'}
          >
            <Text bold={!n.read} marginBottom="xxSmall">
              <AppLink href={n.href} onClick={onNavigate}>
                {n.title}
              </AppLink>
            </Text>
            <Text marginBottom="xxSmall">{n.message}</Text>
            <Flex justifyContent="space-between" alignItems="center">
              <Small marginBottom="none">{dateTime(n.at)}</Small>
              {n.read ? null : (
                <Button variant="subtle" onClick={() => void markRead({ ids: [n.id] })} data-testid="notification-mark-read">
                  Mark read
                </Button>
              )}
            </Flex>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
