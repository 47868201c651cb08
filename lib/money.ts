/**
 * Exact money. Amounts are integers of a currency's minor unit (bigint) inside the app and decimal strings
 * at every boundary (BigCommerce sends "12.3400"; documents, JSON and exports carry "12.34"). Never a float.
 */

/** A decimal string or, as some BigCommerce fields are documented ("Float, Float-As-String, Integer"), a number. */
export type DecimalInput = string | number;

export class MoneyParseError extends Error {
  override name = 'MoneyParseError';
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** ISO 4217 currencies whose minor unit is not 2 decimals; everything else uses cents. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0,
  VUV: 0, XAF: 0, XOF: 0, XPF: 0, BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3, CLF: 4, UYW: 4,
};

/** Decimal places of a currency's minor unit (USD 2, JPY 0, KWD 3). */
export function currencyScale(code: string): number {
  return MINOR_UNITS[code.toUpperCase()] ?? 2;
}

function normalise(value: DecimalInput): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MoneyParseError(`Not a finite amount: ${value}`);
    // Numbers only reach us from JSON fields documented as "Float"; their shortest round-trip form is the
    // decimal the sender wrote (e.g. 5.1), so String() is exact here. Exponent forms are refused below.
    return String(value);
  }
  return value.trim();
}

function splitDecimal(value: DecimalInput): { negative: boolean; digits: bigint; scale: number } {
  const text = normalise(value);
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new MoneyParseError(`Not a decimal amount: ${JSON.stringify(value)}`);
  }
  const whole = match[2] || '0';
  const fraction = match[3] ?? '';
  return { negative: match[1] === '-', digits: BigInt(whole + fraction), scale: fraction.length };
}

/** Integer division rounding half away from zero (commercial rounding). */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (d * 2n);
  return negative ? -q : q;
}

/** Floor division for bigint (rounds towards minus infinity, unlike `/`). */
export function divFloor(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator;
  return (numerator % denominator !== 0n) && (numerator < 0n !== denominator < 0n) ? q - 1n : q;
}

/**
 * Parses a decimal into integer units of 10^-scale, rounding half away from zero when the input has more
 * places ("62.6793" at scale 2 is 6268n).
 */
export function parseUnits(value: DecimalInput, scale: number): bigint {
  const { negative, digits, scale: inputScale } = splitDecimal(value);
  let units: bigint;
  if (inputScale <= scale) units = digits * 10n ** BigInt(scale - inputScale);
  else units = divRoundHalfUp(digits, 10n ** BigInt(inputScale - scale));
  return negative ? -units : units;
}

/** Parses a decimal that must be exact at `scale`; returns null when rounding would be needed. */
export function parseUnitsExact(value: DecimalInput, scale: number): bigint | null {
  const { negative, digits, scale: inputScale } = splitDecimal(value);
  if (inputScale > scale) {
    const factor = 10n ** BigInt(inputScale - scale);
    if (digits % factor !== 0n) return null;
    return (negative ? -1n : 1n) * (digits / factor);
  }
  return (negative ? -1n : 1n) * digits * 10n ** BigInt(scale - inputScale);
}

/** True when the input is a well-formed decimal (or finite number). */
export function isDecimal(value: unknown): value is DecimalInput {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  try {
    splitDecimal(value);
    return true;
  } catch {
    return false;
  }
}

/** Formats integer units of 10^-scale as a plain decimal string: 123456n, 2 → "1234.56"; -5n, 2 → "-0.05". */
export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const abs = (negative ? -units : units).toString();
  if (scale === 0) return (negative ? '-' : '') + abs;
  const padded = abs.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** Changes the scale of an integer amount (rounding half away from zero when scaling down). */
export function rescale(units: bigint, fromScale: number, toScale: number): bigint {
  if (toScale >= fromScale) return units * 10n ** BigInt(toScale - fromScale);
  return divRoundHalfUp(units, 10n ** BigInt(fromScale - toScale));
}

export function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/**
 * Largest-remainder (Hamilton) allocation: splits `total` into integer parts proportional to `weights`
 * so that the parts sum to `total` exactly and each part is within one unit of its exact share.
 * Ties go to the larger weight, then to the earlier position, so the result is deterministic.
 * Weights may be negative only if they all share one sign; all-zero weights split the total evenly.
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) {
    if (total !== 0n) throw new RangeError('Cannot allocate a non-zero amount over no parts');
    return [];
  }
  const hasNegative = weights.some((w) => w < 0n);
  const hasPositive = weights.some((w) => w > 0n);
  if (hasNegative && hasPositive) throw new RangeError('Allocation weights must not mix signs');
  const ws = hasNegative ? weights.map((w) => -w) : [...weights];
  let weightSum = sum(ws);
  const effective = weightSum === 0n ? ws.map(() => 1n) : ws;
  if (weightSum === 0n) weightSum = BigInt(ws.length);

  const negativeTotal = total < 0n;
  const t = negativeTotal ? -total : total;
  const parts = effective.map((w) => (t * w) / weightSum);
  const remainders = effective.map((w, i) => ({ i, r: (t * w) % weightSum, w }));
  let left = t - sum(parts);
  remainders.sort((a, b) => (b.r === a.r ? (b.w === a.w ? a.i - b.i : b.w > a.w ? 1 : -1) : b.r > a.r ? 1 : -1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return negativeTotal ? parts.map((p) => -p) : parts;
}

/**
 * Rounds exact parts given at a finer scale (e.g. BigCommerce's 4 places) to a coarser one so that the
 * rounded parts sum to the rounded sum of the exact parts, each moving less than one unit of the coarse
 * scale: the largest-remainder rule applied to quotas that are already exact.
 */
export function roundParts(parts: readonly bigint[], fromScale: number, toScale: number): bigint[] {
  if (toScale >= fromScale) return parts.map((p) => rescale(p, fromScale, toScale));
  const factor = 10n ** BigInt(fromScale - toScale);
  const target = divRoundHalfUp(sum(parts), factor);
  const floors = parts.map((p) => divFloor(p, factor));
  const order = parts
    .map((p, i) => ({ i, r: p - (floors[i] ?? 0n) * factor }))
    .sort((a, b) => (b.r === a.r ? a.i - b.i : b.r > a.r ? 1 : -1));
  let left = target - sum(floors);
  // left is within [0, parts.length] because each remainder is in [0, factor).
  for (const { i } of order) {
    if (left <= 0n) break;
    floors[i] = (floors[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return floors;
}

/** Convenience: a decimal string at the currency's scale, e.g. toMoneyString("12.3400", "USD") === "12.34". */
export function toMoneyString(value: DecimalInput, currency: string): string {
  const scale = currencyScale(currency);
  return formatUnits(parseUnits(value, scale), scale);
}

/** Compares two decimals exactly (-1, 0, 1). */
export function compareDecimal(a: DecimalInput, b: DecimalInput): -1 | 0 | 1 {
  const scale = Math.max(splitDecimal(a).scale, splitDecimal(b).scale);
  const x = parseUnits(a, scale);
  const y = parseUnits(b, scale);
  return x === y ? 0 : x < y ? -1 : 1;
}
