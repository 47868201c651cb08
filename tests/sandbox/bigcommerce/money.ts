// Money inside the sandbox: integers of 1/10,000 of a currency unit (BigCommerce's wire precision is 4 decimals),
// never floats. Parsing goes through the decimal string, so 0.1 + 0.2 problems cannot arise.

/** An amount in ten-thousandths of a currency unit. */
export type Units = number;

export const UNIT = 10_000;

/** Parses a decimal string or a JSON number ("12.5", 12.5, "12.34567" → rounded half away from zero). */
export function toUnits(value: string | number): Units {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`Not a decimal amount: ${JSON.stringify(value)}`);
  const sign = m[1] === '-' ? -1 : 1;
  const whole = Number(m[2] || '0');
  const fracDigits = (m[3] ?? '').padEnd(5, '0');
  let frac = Number(fracDigits.slice(0, 4));
  if (Number(fracDigits[4]) >= 5) frac += 1;
  const units = whole * UNIT + frac;
  if (!Number.isSafeInteger(units)) throw new Error(`Amount out of range: ${JSON.stringify(value)}`);
  return sign * units;
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`Not a finite amount: ${n}`);
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toFixed(10);
}

/** "12.3400" (4 decimals, as BigCommerce V2 sends money). */
export function fmt4(units: Units): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / UNIT)}.${String(abs % UNIT).padStart(4, '0')}`;
}

/** Number with up to 4 decimals, for the few V2/V3 fields typed as numbers. */
export function toNumber(units: Units): number {
  return Number(fmt4(units));
}

/** Rounds half away from zero to a multiple of `step` units (step 100 = cents). */
export function roundTo(units: number, step: number): Units {
  const sign = units < 0 ? -1 : 1;
  return sign * Math.floor(Math.abs(units) / step + 0.5) * step;
}

/** `a * b / c` rounded to `step`, exact for the magnitudes a store deals in (products stay below 2^53). */
export function mulDiv(a: Units, b: number, c: number, step: number): Units {
  return roundTo((a * b) / c, step);
}

/**
 * Splits `total` over `weights` in multiples of `step` so the parts sum exactly to `total`
 * (largest remainder; ties go to the earlier line).
 */
export function allocate(total: Units, weights: number[], step: number): Units[] {
  const sumW = weights.reduce((s, w) => s + w, 0);
  if (weights.length === 0) return [];
  if (sumW === 0) {
    const out = weights.map(() => 0);
    out[0] = total;
    return out;
  }
  const steps = Math.round(total / step);
  const raw = weights.map((w) => (steps * w) / sumW);
  const floors = raw.map((r) => Math.floor(r));
  let left = steps - floors.reduce((s, f) => s + f, 0);
  const order = raw
    .map((r, i) => ({ i, rem: r - Math.floor(r) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  return floors.map((f) => f * step);
}
