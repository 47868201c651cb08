import { describe, expect, it } from 'vitest';
import { channelTracking, revenueAccountFor, revenueRulesNeedCatalog, trackingFor } from './revenue-rules';
import { parseSettings, type SyncSettings } from './settings';

function settingsWith(input: Record<string, unknown>): SyncSettings {
  const parsed = parseSettings(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.settings;
}

const rules = settingsWith({
  accounts: {
    sales: '4000',
    revenueRules: [
      { when: { category: 23, channel: 2 }, account: '4030' },
      { when: { category: 23 }, account: '4010' },
      { when: { brand: 7 }, account: '4020' },
      { when: { channel: 2 }, account: '4040' },
    ],
  },
});
const shirt = { categories: [18, 23], brandId: 7 };

describe('revenue account rules', () => {
  it('the first rule whose every condition holds wins, and says which it was', () => {
    expect(revenueAccountFor(rules, { channelId: 2, product: shirt })).toEqual({ account: '4030', rule: { index: 1, label: 'Rule 1 (category 23, channel 2)' } });
    expect(revenueAccountFor(rules, { channelId: 1, product: shirt })).toEqual({ account: '4010', rule: { index: 2, label: 'Rule 2 (category 23)' } });
    expect(revenueAccountFor(rules, { channelId: 1, product: { categories: [18], brandId: 7 } }).account).toBe('4020');
    expect(revenueAccountFor(rules, { channelId: 2, product: { categories: [18], brandId: null } }).rule?.index).toBe(4);
  });

  it('no rule matching, or a product the catalog no longer has, takes the sales account', () => {
    expect(revenueAccountFor(rules, { channelId: 1, product: { categories: [18], brandId: null } })).toEqual({ account: '4000', rule: null });
    expect(revenueAccountFor(rules, { channelId: 1, product: null })).toEqual({ account: '4000', rule: null });
    expect(revenueAccountFor(rules, { channelId: null, product: null })).toEqual({ account: '4000', rule: null });
  });

  it('the catalog is read only when a rule looks at categories or brands', () => {
    expect(revenueRulesNeedCatalog(rules)).toBe(true);
    expect(revenueRulesNeedCatalog(settingsWith({ accounts: { revenueRules: [{ when: { channel: 2 }, account: '4040' }] } }))).toBe(false);
    expect(revenueRulesNeedCatalog(settingsWith({}))).toBe(false);
  });

  it('a rule without a condition is refused', () => {
    const parsed = parseSettings({ accounts: { revenueRules: [{ when: {}, account: '4010' }] } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]).toMatchObject({ path: 'accounts.revenueRules.0.when', message: 'Give the rule a category, a brand or a channel id.' });
  });
});

describe('tracking by channel', () => {
  const s = settingsWith({
    posting: { tracking: { category: 'Region', option: 'Web' }, trackingByChannel: [{ channel: 2, category: 'Region', option: 'Amazon' }] },
  });
  it("the order's channel picks its option; other channels keep the store-wide one", () => {
    expect(trackingFor(s, 2)).toEqual({ category: 'Region', option: 'Amazon' });
    expect(trackingFor(s, 1)).toEqual({ category: 'Region', option: 'Web' });
    expect(trackingFor(s, null)).toEqual({ category: 'Region', option: 'Web' });
    expect(trackingFor(settingsWith({}), 2)).toBeNull();
  });
  it('the document carries a tracking option only when its channel has one of its own (documents of other channels are unchanged)', () => {
    expect(channelTracking(s, 2)).toEqual({ tracking: { category: 'Region', option: 'Amazon' } });
    expect(channelTracking(s, 1)).toEqual({});
  });
});
