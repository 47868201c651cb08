/**
 * The nine functions of `polished` that BigDesign and its theme call, standing in for the package in the browser
 * build (next.config.mjs aliases `polished` here). polished's own build carries its whole colour and expression
 * machinery (named colours, hsl, a formula parser for `math`): 5.7 KB brotli on every page, for a theme that adds two
 * rem lengths and fades hex colours. Each function returns exactly what polished 4.3 returns for what BigDesign passes
 * (hex colours, rem/px lengths; lib/ui/polished.test.ts compares them with polished over the whole theme) and throws
 * on anything else rather than guess.
 */

type Styles = Record<string, unknown>;

export function hideVisually(): Styles {
  return {
    border: '0',
    clip: 'rect(0 0 0 0)',
    height: '1px',
    margin: '-1px',
    overflow: 'hidden',
    padding: '0',
    position: 'absolute',
    whiteSpace: 'nowrap',
    width: '1px',
  };
}

export function ellipsis(width?: string | number | null, lines = 1): Styles {
  const styles = { display: 'inline-block', maxWidth: width || '100%', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', wordWrap: 'normal' };
  return lines > 1 ? { ...styles, WebkitBoxOrient: 'vertical', WebkitLineClamp: lines, display: '-webkit-box', whiteSpace: 'normal' } : styles;
}

export function clearFix(parent = '&'): Styles {
  return { [`${parent}::after`]: { clear: 'both', content: '""', display: 'table' } };
}

const length = /^([+-]?(?:\d+|\d*\.\d+))([a-z]*|%)$/;

function pixels(value: string | number, what: string): number {
  if (typeof value === 'number') return value;
  if (!value.endsWith('px') || !length.test(value)) throw new Error(`polished (lib/ui/polished.ts): ${what} needs px, got ${value}`);
  return Number(value.slice(0, -2));
}

const pixelsTo = (unit: 'rem' | 'em') => (value: string | number, base: string | number = '16px') => `${pixels(value, unit) / pixels(base, unit)}${unit}`;
export const rem = pixelsTo('rem');
export const em = pixelsTo('em');

/** Only the sum of lengths of one unit, the one formula BigDesign's theme writes (addValues: `${a} + ${b}`). */
export function math(formula: string): string {
  const terms = formula.split(' + ').map((t) => t.trim().match(length));
  if (terms.length < 2 || terms.some((t) => !t) || new Set(terms.map((t) => t![2])).size !== 1) {
    throw new Error(`polished (lib/ui/polished.ts): math supports only a + b of one unit, got ${formula}`);
  }
  return `${terms.reduce((sum, t) => sum + Number(t![1]), 0)}${terms[0]![2]}`;
}

interface Rgb {
  red: number;
  green: number;
  blue: number;
  alpha?: number;
}

function parseToRgb(color: string): Rgb {
  const hex = /^#([a-f0-9]{6}|[a-f0-9]{3})$/i.exec(color)?.[1];
  if (!hex) throw new Error(`polished (lib/ui/polished.ts): only hex colours are supported, got ${color}`);
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return { red: parseInt(full.slice(0, 2), 16), green: parseInt(full.slice(2, 4), 16), blue: parseInt(full.slice(4, 6), 16) };
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
function toHex({ red, green, blue }: Rgb): string {
  const value = `#${hex2(red)}${hex2(green)}${hex2(blue)}`;
  return value[1] === value[2] && value[3] === value[4] && value[5] === value[6] ? `#${value[1]}${value[3]}${value[5]}` : value;
}

export function rgba(color: string, alpha: number): string {
  const { red, green, blue } = parseToRgb(color);
  return `rgba(${red},${green},${blue},${alpha})`;
}

export function transparentize(amount: number | string, color: string): string {
  if (color === 'transparent') return color;
  const parsed = parseToRgb(color);
  const alpha = Math.max(0, Math.min(1, +(100 - Number(amount) * 100).toFixed(2) / 100));
  return alpha >= 1 ? toHex(parsed) : `rgba(${parsed.red},${parsed.green},${parsed.blue},${alpha})`;
}

/** normalize.css v8.0.1 (MIT, github.com/necolas/normalize.css) as polished's normalize() gives it, selectors included. */
export function normalize(): Styles[] {
  return [
    {
      html: { lineHeight: '1.15', textSizeAdjust: '100%' },
      body: { margin: '0' },
      main: { display: 'block' },
      h1: { fontSize: '2em', margin: '0.67em 0' },
      hr: { boxSizing: 'content-box', height: '0', overflow: 'visible' },
      pre: { fontFamily: 'monospace, monospace', fontSize: '1em' },
      a: { backgroundColor: 'transparent' },
      'abbr[title]': { borderBottom: 'none', textDecoration: 'underline' },
      'b,\n    strong': { fontWeight: 'bolder' },
      'code,\n    kbd,\n    samp': { fontFamily: 'monospace, monospace', fontSize: '1em' },
      small: { fontSize: '80%' },
      'sub,\n    sup': { fontSize: '75%', lineHeight: '0', position: 'relative', verticalAlign: 'baseline' },
      sub: { bottom: '-0.25em' },
      sup: { top: '-0.5em' },
      img: { borderStyle: 'none' },
      'button,\n    input,\n    optgroup,\n    select,\n    textarea': { fontFamily: 'inherit', fontSize: '100%', lineHeight: '1.15', margin: '0' },
      'button,\n    input': { overflow: 'visible' },
      'button,\n    select': { textTransform: 'none' },
      'button,\n    html [type="button"],\n    [type="reset"],\n    [type="submit"]': { WebkitAppearance: 'button' },
      'button::-moz-focus-inner,\n    [type="button"]::-moz-focus-inner,\n    [type="reset"]::-moz-focus-inner,\n    [type="submit"]::-moz-focus-inner': {
        borderStyle: 'none',
        padding: '0',
      },
      'button:-moz-focusring,\n    [type="button"]:-moz-focusring,\n    [type="reset"]:-moz-focusring,\n    [type="submit"]:-moz-focusring': {
        outline: '1px dotted ButtonText',
      },
      fieldset: { padding: '0.35em 0.625em 0.75em' },
      legend: { boxSizing: 'border-box', color: 'inherit', display: 'table', maxWidth: '100%', padding: '0', whiteSpace: 'normal' },
      progress: { verticalAlign: 'baseline' },
      textarea: { overflow: 'auto' },
      '[type="checkbox"],\n    [type="radio"]': { boxSizing: 'border-box', padding: '0' },
      '[type="number"]::-webkit-inner-spin-button,\n    [type="number"]::-webkit-outer-spin-button': { height: 'auto' },
      '[type="search"]': { WebkitAppearance: 'textfield', outlineOffset: '-2px' },
      '[type="search"]::-webkit-search-decoration': { WebkitAppearance: 'none' },
      '::-webkit-file-upload-button': { WebkitAppearance: 'button', font: 'inherit' },
      details: { display: 'block' },
      summary: { display: 'list-item' },
      template: { display: 'none' },
      '[hidden]': { display: 'none' },
    },
    { 'abbr[title]': { textDecoration: 'underline dotted' } },
  ];
}
