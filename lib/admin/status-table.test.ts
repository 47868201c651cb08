import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '@/lib/sync/settings';
import { booksStatus, BOOKS_ROWS, choiceLabel, choiceOf, NO_RULE, rulesOf, statusRows, STORE_RULES, withBooksStatus, withChoice } from './status-table';

const orders = defaultSettings().orders;
const choices = [NO_RULE, 'import', 'void', 'refund', 'ignore', 'import+refund'];

describe('the status table, store → books', () => {
  it('reads the default rules as BigCommerce’s statuses are usually treated', () => {
    expect(choiceOf(orders, 11)).toBe('import');
    expect(choiceOf(orders, 5)).toBe('void');
    expect(choiceOf(orders, 4)).toBe('refund');
    expect(choiceOf(orders, 14)).toBe('refund');
    expect(choiceOf(orders, 0)).toBe('ignore');
    expect(choiceOf(orders, 2)).toBe(NO_RULE);
  });

  it('shows a status saved in two lists (through the API) as both, in words', () => {
    const both = { ...orders, importStatusIds: [11, 4] };
    expect(choiceOf(both, 4)).toBe('import+refund');
    expect(choiceLabel('import+refund')).toBe('Post it to the books, and Refunded: post it with its refunds');
    expect(choiceLabel(NO_RULE)).toBe('Nothing (not posted)');
  });

  it('a row changed holds exactly its choice, every other status keeps its rules and place (property)', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 8 });
    fc.assert(
      fc.property(ids, ids, ids, ids, fc.integer({ min: 0, max: 20 }), fc.constantFrom(...choices), (imp, ign, voi, ref, id, choice) => {
        const before = { ...orders, importStatusIds: imp, ignoredStatusIds: ign, voidStatusIds: voi, refundStatusIds: ref };
        const after = withChoice(before, id, choice);
        expect(choiceOf(after, id)).toBe(choice);
        for (const { list } of STORE_RULES) expect(after[list].filter((x) => x !== id)).toEqual(before[list].filter((x) => x !== id));
        // Setting a row to what it already says changes nothing.
        expect(withChoice(after, id, choice)).toEqual(after);
      }),
    );
  });

  it('lists the store’s statuses, then any a rule names that the store no longer has', () => {
    const rows = statusRows({ ...orders, voidStatusIds: [5, 42] }, [{ id: 5, label: 'Cancelled' }]);
    expect(rows.map((r) => r.id)).toEqual([5, 0, 1, 4, 6, 7, 11, 14, 42]);
    expect(rulesOf({ ...orders, voidStatusIds: [5, 42] }, 42)).toEqual(['void']);
  });
});

describe('the status table, books → store', () => {
  it('each row reads and writes its own setting only', () => {
    const form = defaultSettings();
    for (const { path } of BOOKS_ROWS) {
      const next = withBooksStatus(form, path, 10);
      expect(booksStatus(next, path)).toBe(10);
      for (const other of BOOKS_ROWS) if (other.path !== path) expect(booksStatus(next, other.path)).toBeNull();
      expect(booksStatus(withBooksStatus(next, path, null), path)).toBeNull();
    }
    expect(withBooksStatus(form, 'statuses.fromBooks.paid', 2).statuses.fromBooks.paid).toBe(2);
    expect(withBooksStatus(form, 'orders.statusOnError', 12).orders.statusOnError).toBe(12);
  });
});
