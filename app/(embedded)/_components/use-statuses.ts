'use client';

import { useEffect, useState } from 'react';
import { useApiFetch, useSession } from './session';
import { DEFAULT_STATUS_NAMES, type StatusOption } from './statuses';

// A module of its own (not hooks.ts), so the pages that name no status do not carry the status names.

const DEFAULT_STATUSES: StatusOption[] = Object.entries(DEFAULT_STATUS_NAMES).map(([id, label]) => ({ id: Number(id), label }));
/** One BigCommerce call per page load, shared by every component that shows a status. */
let statusesOnce: Promise<StatusOption[]> | null = null;

/**
 * The store's order statuses with its own labels; BigCommerce's names until they load (or if they cannot).
 * `enabled: false` defers the call (a page asks once its main content is on screen).
 */
export function useStatuses(enabled = true): { statuses: StatusOption[]; fromStore: boolean } {
  const apiFetch = useApiFetch();
  const session = useSession();
  const [statuses, setStatuses] = useState<StatusOption[] | null>(null);
  useEffect(() => {
    if (!enabled || session.status !== 'ready') return;
    let cancelled = false;
    statusesOnce ??= apiFetch<{ statuses: StatusOption[] }>('/api/admin/order-statuses').then((r) => r.statuses);
    statusesOnce.then(
      (loaded) => !cancelled && setStatuses(loaded),
      () => {
        statusesOnce = null; // try again on the next page
      },
    );
    return () => {
      cancelled = true;
    };
  }, [apiFetch, enabled, session.status]);
  return statuses ? { statuses, fromStore: true } : { statuses: DEFAULT_STATUSES, fromStore: false };
}
