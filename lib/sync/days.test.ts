import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateIn, dayBounds, yesterdayIn } from './days';

describe('days in a store’s time zone', () => {
  it('a day in New York starts at 05:00 UTC in winter and 04:00 in summer; the DST day is 23 hours', () => {
    expect(dayBounds('America/New_York', '2026-01-15')).toEqual({ from: new Date('2026-01-15T05:00:00Z'), to: new Date('2026-01-16T05:00:00Z') });
    expect(dayBounds('America/New_York', '2026-07-15').from).toEqual(new Date('2026-07-15T04:00:00Z'));
    const dst = dayBounds('America/New_York', '2026-03-08');
    expect(dst.to.getTime() - dst.from.getTime()).toBe(23 * 3_600_000);
  });

  it('every instant of a day falls on that day, and the day before ends where it starts', () => {
    const zones = ['UTC', 'Europe/London', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Chatham'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }), (zone, at) => {
        const date = dateIn(zone, at);
        const { from, to } = dayBounds(zone, date);
        expect(from.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(at.getTime()).toBeLessThan(to.getTime());
        expect(dateIn(zone, from)).toBe(date);
        expect(dateIn(zone, new Date(to.getTime() - 1))).toBe(date);
        expect(dayBounds(zone, yesterdayIn(zone, at)).to).toEqual(from);
      }),
    );
  });
});
