// Dates and sync states as the pages show them. Money is ./money (lib/money with it), statuses ./statuses.

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

export function dateOnly(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 10);
}

export const STATE_LABELS: Record<string, { label: string; variant: 'success' | 'danger' | 'warning' | 'secondary' | 'primary' }> = {
  posted: { label: 'Posted', variant: 'success' },
  pending: { label: 'Posting', variant: 'primary' },
  failed: { label: 'Failed', variant: 'danger' },
  held: { label: 'Needs attention', variant: 'warning' },
  skipped: { label: 'Skipped', variant: 'secondary' },
  /** The document was voided: the order was cancelled before it was paid, or deleted. */
  voided: { label: 'Voided', variant: 'secondary' },
  /** Cancelled after it was paid: a credit note reversed the sale (refunds are shown apart, on a posted order). */
  credited: { label: 'Cancelled, credited', variant: 'secondary' },
  not_imported: { label: 'Not imported', variant: 'primary' },
  /** Daily summary mode: kept for, or booked by, its day's summary (lib/sync/summary). */
  summarised: { label: 'In a daily summary', variant: 'secondary' },
};
