import { describe, expect, it } from 'vitest';
import { createProgress, etaMs, formatBar, formatDuration, formatLine } from './progress';

const snap = { seen: 500, posted: 120, skipped: 370, failed: 10, total: 2000, page: 2 };

describe('backfill progress', () => {
  it('estimates the time left from this run’s pace, counting only orders seen in this run', () => {
    // Resumed at 250 seen; 250 more in 10 s; 1,500 to go → 60 s.
    expect(etaMs(snap, { startedAt: 0, seenAtStart: 250, now: 10_000 })).toBe(60_000);
    expect(etaMs(snap, { startedAt: 0, seenAtStart: 500, now: 10_000 })).toBeNull();
    expect(etaMs({ ...snap, total: null }, { startedAt: 0, seenAtStart: 0, now: 10_000 })).toBeNull();
    expect(etaMs({ ...snap, seen: 2100 }, { startedAt: 0, seenAtStart: 0, now: 10_000 })).toBe(0);
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_400)).toBe('1:01');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });

  it('draws a bar with the percentage, counters and ETA, within the terminal width', () => {
    const bar = formatBar(snap, { startedAt: 0, seenAtStart: 0, now: 10_000 }, 100);
    expect(bar).toMatch(/^\[█+░+\] {2}25% 500\/2000 orders · posted 120 · skipped 370 · failed 10 · ETA 0:30$/);
    expect(bar.length).toBeLessThanOrEqual(100);
    const filled = (bar.match(/█/g) ?? []).length;
    const empty = (bar.match(/░/g) ?? []).length;
    expect(filled / (filled + empty)).toBeCloseTo(0.25, 1);
    expect(formatBar({ ...snap, total: null }, { startedAt: 0, seenAtStart: 0, now: 1 })).toBe('500 orders · posted 120 · skipped 370 · failed 10 · ETA --:--');
  });

  it('writes plain lines when stderr is not a terminal, and redraws one line when it is', () => {
    const plain = { text: '', isTTY: false, write(s: string) { this.text += s; return true; } };
    const p1 = createProgress(plain as unknown as NodeJS.WritableStream, { startedAt: 0, seenAtStart: 0 }, () => 10_000);
    p1.update(snap);
    p1.update({ ...snap, seen: 2000, page: 8 });
    p1.done();
    expect(plain.text).toBe(`${formatLine(snap, { startedAt: 0, seenAtStart: 0, now: 10_000 })}\npage 8: seen 2000/2000, posted 120, skipped 370, failed 10, ETA 0:00\n`);
    expect(plain.text).not.toContain('\r');

    const tty = { text: '', isTTY: true, columns: 80, write(s: string) { this.text += s; return true; } };
    const p2 = createProgress(tty as unknown as NodeJS.WritableStream, { startedAt: 0, seenAtStart: 0 }, () => 10_000);
    p2.update(snap);
    p2.update({ ...snap, seen: 1000 });
    p2.done();
    expect(tty.text.split('\r\x1b[2K')).toHaveLength(3);
    expect(tty.text.endsWith('\n')).toBe(true);
    expect(tty.text.split('\n')).toHaveLength(2);
  });
});
