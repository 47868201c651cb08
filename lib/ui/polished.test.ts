import { theme } from '@bigcommerce/big-design-theme';
import * as real from 'polished';
import { describe, expect, it } from 'vitest';
import * as lite from './polished';

// The stand-in must give BigDesign exactly what polished gives it, for every input BigDesign's theme can pass.
const colours = Object.values(theme.colors).filter((c): c is string => typeof c === 'string' && c.startsWith('#'));
const lengths = Object.values(theme.spacing).filter((s): s is string => typeof s === 'string');

describe('lib/ui/polished (the browser build stand-in for polished)', () => {
  it('fades and tints every theme colour as polished does', () => {
    expect(colours.length).toBeGreaterThan(20);
    for (const colour of [...colours, '#fff', '#abc']) {
      for (const amount of [0, 0.1, 0.3, 0.5, 0.8, 1]) {
        expect(lite.transparentize(amount, colour)).toBe(real.transparentize(amount, colour));
        expect(lite.rgba(colour, amount)).toBe(real.rgba(colour, amount));
      }
    }
    expect(lite.transparentize(0.5, 'transparent')).toBe('transparent');
  });

  it('adds any two theme lengths as polished math does', () => {
    for (const a of lengths) for (const b of lengths) expect(lite.math(`${a} + ${b}`)).toBe(real.math(`${a} + ${b}`));
  });

  it('converts px to rem and em as polished does', () => {
    for (const v of [14, 16, '12px', '20px', 1.5]) {
      for (const base of [undefined, 16, '14px'] as const) {
        expect(lite.rem(v, base)).toBe(real.rem(v, base));
        expect(lite.em(v, base)).toBe(real.em(v, base));
      }
    }
  });

  it('gives the same style objects (normalize, hideVisually, ellipsis, clearFix)', () => {
    expect(lite.normalize()).toStrictEqual(real.normalize());
    expect(lite.hideVisually()).toStrictEqual(real.hideVisually());
    for (const args of [[], ['250px'], ['100%', 2], [undefined, 3]] as const) expect(lite.ellipsis(...args)).toStrictEqual(real.ellipsis(...args));
    expect(lite.clearFix()).toStrictEqual(real.clearFix());
    expect(lite.clearFix('&.x')).toStrictEqual(real.clearFix('&.x'));
  });

  it('refuses what it does not implement instead of guessing', () => {
    expect(() => lite.rgba('red', 0.5)).toThrow(/only hex/);
    expect(() => lite.math('1rem * 2')).toThrow(/a \+ b/);
    expect(() => lite.math('1rem + 2px')).toThrow(/a \+ b/);
    expect(() => lite.rem('1em')).toThrow(/px/);
  });
});
