import { describe, expect, it } from 'vitest';
import { defaultSettings } from '@/lib/sync/settings';
import { formatSettingValue, readSettingValue, SETTING_LEAVES, settingLeaf, valueAt, withValues } from './settings-keys';

const read = (key: string, text: string) => readSettingValue(settingLeaf(key)!, text);

describe('settings keys and their command-line syntax', () => {
  it('every leaf of the schema is a key; sections and the format version are not', () => {
    const keys = SETTING_LEAVES.map((leaf) => leaf.key);
    expect(keys).toContain('document.dueDays');
    expect(keys).toContain('posting.tracking'); // an object that may be null is one value
    expect(keys).toContain('stock.locations'); // a list of objects is one value
    expect(keys).not.toContain('document');
    expect(keys).not.toContain('schemaVersion');
    expect(keys).not.toContain('posting.tracking.category');
  });

  it('reads JSON of the setting’s type, else the text, else a comma list', () => {
    expect(read('stock.enabled', 'true')).toBe(true);
    expect(read('document.dueDays', '30')).toBe(30);
    expect(read('posting.tracking', 'null')).toBeNull();
    expect(read('stock.locations', '[{"from":1,"to":2}]')).toEqual([{ from: 1, to: 2 }]);
    expect(read('lines.discounts', 'single_line')).toBe('single_line');
    expect(read('orders.ordersFromDate', '2024-01-31')).toBe('2024-01-31');
    expect(read('document.numberPrefix', '123')).toBe('123'); // JSON of another type stays text
    expect(read('customers.sharedGuestName', 'null')).toBe('null'); // not nullable: the text
    expect(read('orders.voidStatusIds', '5,6')).toEqual([5, 6]);
    expect(read('orders.voidStatusIds', '5')).toEqual([5]);
    expect(read('orders.voidStatusIds', '[5,6]')).toEqual([5, 6]);
    expect(read('orders.voidStatusIds', '')).toEqual([]);
    expect(read('payments.paidStatuses', 'captured, paid')).toEqual(['captured', 'paid']);
    expect(read('stock.skus', 'all')).toBe('all');
    expect(read('stock.skus', 'A-1,B-2')).toEqual(['A-1', 'B-2']);
  });

  it('a value of the wrong kind is kept as read, for validation to name what is wrong', () => {
    expect(read('document.dueDays', '400')).toBe(400); // out of range: the number
    expect(read('document.dueDays', 'thirty')).toBe('thirty');
    expect(read('orders.voidStatusIds', '5,x')).toEqual([5, 'x']);
  });

  it('get prints each default so that set reads it back the same', () => {
    const defaults = defaultSettings();
    for (const leaf of SETTING_LEAVES) {
      const value = valueAt(defaults, leaf.key);
      expect(readSettingValue(leaf, formatSettingValue(leaf, value)), leaf.key).toEqual(value);
    }
    expect(formatSettingValue(settingLeaf('orders.ignoredStatusIds')!, [0, 1, 6, 7])).toBe('0,1,6,7');
    expect(formatSettingValue(settingLeaf('tax.mappings')!, [])).toBe('[]');
    expect(formatSettingValue(settingLeaf('tax.defaultTaxCode')!, 'null')).toBe('"null"');
  });

  it('withValues replaces only the keys given, on a copy', () => {
    const defaults = defaultSettings();
    const changed = withValues(defaults, new Map<string, unknown>([['document.dueDays', 30]]));
    expect(valueAt(changed, 'document.dueDays')).toBe(30);
    expect(valueAt(changed, 'document.kind')).toBe('invoice');
    expect(defaults.document.dueDays).toBe(0);
  });
});
