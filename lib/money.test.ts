import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  compareDecimal,
  currencyScale,
  divFloor,
  formatUnits,
  isDecimal,
  parseUnits,
  parseUnitsExact,
  rescale,
  roundParts,
  sum,
  toMoneyString,
} from './money';

describe('parseUnits / formatUnits', () => {
  it('reads BigCommerce four-place strings into cents, rounding half away from zero', () => {
    expect(parseUnits('12.3400', 2)).toBe(1234n);
    expect(parseUnits('62.6793', 2)).toBe(6268n);
    expect(parseUnits('0.0050', 2)).toBe(1n);
    expect(parseUnits('0.0049', 2)).toBe(0n);
    expect(parseUnits('-0.0050', 2)).toBe(-1n);
    expect(parseUnits('8', 2)).toBe(800n);
    expect(parseUnits('.5', 2)).toBe(50n);
    expect(parseUnits(5.1, 4)).toBe(51000n);
    expect(parseUnits('1500.0000', 0)).toBe(1500n);
  });
  it('refuses anything that is not a plain decimal', () => {
    for (const bad of ['', '.', '1,000.00', '1e3', 'abc', '12.34.56', ' - 1']) {
      expect(() => parseUnits(bad, 2), bad).toThrow(/Not a decimal/);
      expect(isDecimal(bad)).toBe(false);
    }
    expect(() => parseUnits(Number.NaN, 2)).toThrow();
    expect(() => parseUnits(1e-7, 2)).toThrow();
  });
  it('parses exactly or reports that rounding would be needed', () => {
    expect(parseUnitsExact('1.2300', 2)).toBe(123n);
    expect(parseUnitsExact('1.2345', 2)).toBeNull();
    expect(parseUnitsExact('-7', 3)).toBe(-7000n);
  });
  it('formats with the currency scale', () => {
    expect(formatUnits(123456n, 2)).toBe('1234.56');
    expect(formatUnits(-5n, 2)).toBe('-0.05');
    expect(formatUnits(0n, 2)).toBe('0.00');
    expect(formatUnits(1500n, 0)).toBe('1500');
    expect(formatUnits(1n, 3)).toBe('0.001');
    expect(toMoneyString('69.8400', 'USD')).toBe('69.84');
    expect(toMoneyString('1500.0000', 'JPY')).toBe('1500');
    expect(toMoneyString('1.2345', 'KWD')).toBe('1.235');
  });
  it('knows zero- and three-decimal currencies', () => {
    expect(currencyScale('usd')).toBe(2);
    expect(currencyScale('JPY')).toBe(0);
    expect(currencyScale('BHD')).toBe(3);
  });
  it('round-trips every amount exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 6 }), (units, scale) => {
        expect(parseUnits(formatUnits(units, scale), scale)).toBe(units);
      }),
    );
  });
  it('rescales and compares', () => {
    expect(rescale(12345n, 4, 2)).toBe(123n);
    expect(rescale(12350n, 4, 2)).toBe(124n);
    expect(rescale(12n, 2, 4)).toBe(1200n);
    expect(compareDecimal('1.10', '1.1000')).toBe(0);
    expect(compareDecimal('1.10', '1.1001')).toBe(-1);
    expect(divFloor(-7n, 2n)).toBe(-4n);
  });
});

describe('allocate (largest remainder)', () => {
  it('splits 10.00 over three equal lines as 3.34 + 3.33 + 3.33', () => {
    expect(allocate(1000n, [1n, 1n, 1n])).toEqual([334n, 333n, 333n]);
  });
  it('gives the leftover cent to the largest remainder, not the first line', () => {
    // 1.00 by 10/20/70 → 0.10/0.20/0.70 exactly; 1.01 → 0.101, 0.202, 0.707 → the cent goes by remainder.
    expect(allocate(101n, [10n, 20n, 70n])).toEqual([10n, 20n, 71n]);
  });
  it('handles negative totals and zero weights', () => {
    expect(allocate(-1000n, [1n, 1n, 1n])).toEqual([-334n, -333n, -333n]);
    expect(allocate(5n, [0n, 0n])).toEqual([3n, 2n]);
    expect(allocate(0n, [])).toEqual([]);
    expect(() => allocate(1n, [])).toThrow();
    expect(() => allocate(1n, [1n, -1n])).toThrow();
  });
  it('always sums exactly and moves each part less than one unit from its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 7n }), { minLength: 1, maxLength: 60 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(sum(parts)).toBe(total);
          const W = sum(weights);
          parts.forEach((p, i) => {
            // |p - total*w/W| < 1  ⇔  |p*W - total*w| < W
            const diff = p * W - total * (weights[i] ?? 0n);
            expect(diff < 0n ? -diff : diff).toBeLessThan(W);
          });
        },
      ),
    );
  });
});

describe('roundParts', () => {
  it('rounds four-place line amounts to cents that add up to the rounded sum', () => {
    // Three lines of 3.3333 sum to 9.9999 → 10.00; plain rounding would give 9.99.
    expect(roundParts([33333n, 33333n, 33333n], 4, 2)).toEqual([334n, 333n, 333n]);
    expect(roundParts([12345n, -2345n], 4, 2)).toEqual([123n, -23n]);
  });
  it('sums exactly and moves each part less than one cent', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 8n), max: 10n ** 8n }), { maxLength: 80 }), (parts) => {
        const rounded = roundParts(parts, 4, 2);
        expect(sum(rounded)).toBe(rescale(sum(parts), 4, 2));
        rounded.forEach((r, i) => {
          const diff = r * 100n - (parts[i] ?? 0n);
          expect(diff < 0n ? -diff : diff).toBeLessThan(100n);
        });
      }),
    );
  });
});
