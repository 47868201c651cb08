// Order statuses' names and meanings: a module of its own, so a page that names statuses does not carry the money
// formatting (lib/money's currency table) with it (issue 16's JavaScript budget).
import { DEFAULT_STATUS_NAMES } from '@/lib/bigcommerce/statuses';

/** BigCommerce's default order status names (the store's own labels replace them once loaded); the same table the
 * server's messages use. */
export { DEFAULT_STATUS_NAMES };

export interface StatusOption {
  id: number;
  label: string;
}

export function statusLabel(statuses: readonly StatusOption[] | undefined, id: number | null): string {
  if (id === null) return '—';
  return statuses?.find((s) => s.id === id)?.label ?? DEFAULT_STATUS_NAMES[id] ?? `Status ${id}`;
}
