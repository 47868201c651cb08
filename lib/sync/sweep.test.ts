import { describe, expect, it } from 'vitest';
import { defaultSettings } from './settings';
import { nextWatermark, STALE_PENDING_MS, sweepFrom, sweepVerdict, SWEEP_OVERLAP_MS } from './sweep';

const settings = defaultSettings();
const now = new Date('2026-11-23T12:00:00Z');
const order = (over: Partial<{ id: number; statusId: number; dateModified: Date }> = {}) => ({
  id: 1,
  statusId: 11,
  dateModified: new Date('2026-11-23T11:00:00Z'),
  ...over,
});

describe('sweep', () => {
  it('enqueues an eligible order with no sync record (its webhook was lost)', () => {
    expect(sweepVerdict(order(), undefined, settings, now)).toBe('enqueue');
  });

  it('leaves a never-seen cancelled order alone', () => {
    expect(sweepVerdict(order({ statusId: 5 }), undefined, settings, now)).toBe('known');
  });

  it('enqueues an order modified after its record was last updated, not one already seen', () => {
    const seenAt = new Date('2026-11-23T11:00:00Z');
    expect(sweepVerdict(order(), { state: 'posted', orderDateModified: seenAt }, settings, now)).toBe('known');
    expect(
      sweepVerdict(order({ dateModified: new Date('2026-11-23T11:30:00Z') }), { state: 'posted', orderDateModified: seenAt }, settings, now),
    ).toBe('enqueue');
  });

  it('re-enqueues a post stuck in pending only after it went stale', () => {
    const record = { state: 'pending', orderDateModified: new Date('2026-11-23T11:00:00Z') };
    expect(sweepVerdict(order(), record, settings, now, new Date(now.getTime() - 60_000))).toBe('known');
    expect(sweepVerdict(order(), record, settings, now, new Date(now.getTime() - STALE_PENDING_MS - 1))).toBe('enqueue');
  });

  it('re-reads an overlap before the watermark, and never moves it backwards', () => {
    const watermark = new Date('2026-11-23T10:00:00Z');
    expect(sweepFrom(watermark, settings, now)!.getTime()).toBe(watermark.getTime() - SWEEP_OVERLAP_MS);
    expect(nextWatermark(watermark, [order({ dateModified: new Date('2026-11-23T09:00:00Z') })])).toEqual(watermark);
    expect(nextWatermark(watermark, [order({ dateModified: new Date('2026-11-23T11:00:00Z') })])).toEqual(new Date('2026-11-23T11:00:00Z'));
  });
});
