/**
 * Calendar days in a store's time zone (`document.timeZone`), pure, Intl only: the one place documents, daily
 * summaries, reconciliation and the digest take their day boundaries from.
 */
import { localDate } from './build-sales-document';

/** The date (YYYY-MM-DD) an instant falls on in a time zone. */
export function dateIn(timeZone: string, at: Date): string {
  return localDate(at, timeZone);
}

// One formatter per zone: building an Intl.DateTimeFormat costs far more than formatting with it (it showed in the
// fleet benchmark's profile, once per order planned).
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
function offsetAt(timeZone: string, at: Date): number {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    wallClocks.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a wall-clock midnight of `date` happens in the zone (DST-safe: the offset is taken at that instant). */
function midnight(timeZone: string, date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetAt(timeZone, new Date(guess));
  return new Date(guess - offsetAt(timeZone, new Date(first)));
}

/** [start, end) of a calendar day in a time zone, as instants. */
export function dayBounds(timeZone: string, date: string): { from: Date; to: Date } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { from: midnight(timeZone, date), to: midnight(timeZone, next) };
}

/** Yesterday in the zone, as of `now`. */
export function yesterdayIn(timeZone: string, now: Date = new Date()): string {
  const today = dateIn(timeZone, now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}
