/**
 * The order rules page's status table, both directions (issue 16). Store → books: one row per BigCommerce status,
 * saying what an order entering it does to the books; the settings keep their four lists (`orders.importStatusIds`,
 * `ignoredStatusIds`, `voidStatusIds`, `refundStatusIds`), the contract the CLI and the API share, and a row's rule is
 * its status's membership in them. Books → store: what the books say about a posted document (posted, could not be
 * posted, paid, partly paid, voided, credited) → the status to set (`orders.statusAfterImport`, `statusOnError`,
 * `statuses.fromBooks.*`). Pure data and functions: the page imports them.
 */
import type { SettingPath } from './settings-controls';
import type { SettingsForm } from './settings-form';

type Orders = SettingsForm['orders'];

/** What an order entering a status does to the books; each is one of the four lists. */
export type StoreRule = 'import' | 'void' | 'refund' | 'ignore';

export const STORE_RULES: ReadonlyArray<{ rule: StoreRule; list: 'importStatusIds' | 'voidStatusIds' | 'refundStatusIds' | 'ignoredStatusIds'; label: string; description: string }> = [
  { rule: 'import', list: 'importStatusIds', label: 'Post it to the books', description: 'The order is posted as a document, once.' },
  { rule: 'void', list: 'voidStatusIds', label: 'Cancel it in the books', description: 'A posted document is voided or credited, as “When a posted order is cancelled” says.' },
  {
    rule: 'refund',
    list: 'refundStatusIds',
    label: 'Refunded: post it with its refunds',
    description: 'Each BigCommerce refund is a credit note; an order refunded before it was posted is posted with its refunds.',
  },
  { rule: 'ignore', list: 'ignoredStatusIds', label: 'Never post it', description: 'Not posted, and never counted as missing.' },
];

/** The settings path of each rule's list: field messages are keyed by it. */
export const STORE_RULE_PATHS = ['orders.importStatusIds', 'orders.voidStatusIds', 'orders.refundStatusIds', 'orders.ignoredStatusIds'] as const satisfies readonly SettingPath[];

/** A status in none of the lists: an order entering it changes nothing in the books (and is not posted). */
export const NO_RULE = 'none';

/** The rules a status has, in the table's order (more than one only when saved that way through the API or CLI). */
export function rulesOf(orders: Orders, statusId: number): StoreRule[] {
  return STORE_RULES.filter(({ list }) => orders[list].includes(statusId)).map(({ rule }) => rule);
}

/** The row's choice: its one rule, `none`, or the rules joined by `+` when a status has several. */
export function choiceOf(orders: Orders, statusId: number): string {
  const rules = rulesOf(orders, statusId);
  return rules.length === 0 ? NO_RULE : rules.join('+');
}

/** The words for a choice, a combined one included. */
export function choiceLabel(choice: string): string {
  if (choice === NO_RULE) return 'Nothing (not posted)';
  return choice
    .split('+')
    .map((rule) => STORE_RULES.find((r) => r.rule === rule)?.label ?? rule)
    .join(', and ');
}

/**
 * The lists with `statusId` given exactly the rules of `choice` (`none`, one rule, or rules joined by `+`): it leaves
 * the lists it no longer belongs to, joins the others at their end, and every other status keeps its place.
 */
export function withChoice(orders: Orders, statusId: number, choice: string): Orders {
  const wanted = new Set(choice === NO_RULE ? [] : choice.split('+'));
  const next = { ...orders };
  for (const { rule, list } of STORE_RULES) {
    const has = orders[list].includes(statusId);
    if (wanted.has(rule) && !has) next[list] = [...orders[list], statusId];
    else if (!wanted.has(rule) && has) next[list] = orders[list].filter((id) => id !== statusId);
  }
  return next;
}

/** The ids the store → books rows show: the store's statuses, then any a list names that the store no longer has. */
export function statusRows(orders: Orders, storeStatuses: ReadonlyArray<{ id: number; label: string }>): Array<{ id: number; label: string }> {
  const known = new Set(storeStatuses.map((s) => s.id));
  const extra = [...new Set(STORE_RULES.flatMap(({ list }) => orders[list]))].filter((id) => !known.has(id)).sort((a, b) => a - b);
  return [...storeStatuses, ...extra.map((id) => ({ id, label: `Status ${id} (not in your store’s list)` }))];
}

/** Books → store rows: what the books say about the order's document, and the setting that holds the status to set. */
export const BOOKS_ROWS = [
  { path: 'orders.statusAfterImport', label: 'The order was posted' },
  { path: 'orders.statusOnError', label: 'The order could not be posted' },
  { path: 'statuses.fromBooks.paid', label: 'The document is paid in full' },
  { path: 'statuses.fromBooks.partlyPaid', label: 'Part of it is paid' },
  { path: 'statuses.fromBooks.voided', label: 'It is voided' },
  { path: 'statuses.fromBooks.credited', label: 'A credit note is allocated to it' },
] as const satisfies ReadonlyArray<{ path: SettingPath; label: string }>;

type BooksPath = (typeof BOOKS_ROWS)[number]['path'];

/** The status a books → store row sets (null: leave the order's status alone). */
export function booksStatus(form: SettingsForm, path: BooksPath): number | null {
  if (path === 'orders.statusAfterImport') return form.orders.statusAfterImport;
  if (path === 'orders.statusOnError') return form.orders.statusOnError;
  const key = path.slice('statuses.fromBooks.'.length) as keyof SettingsForm['statuses']['fromBooks'];
  return form.statuses.fromBooks[key];
}

/** The settings with a books → store row set to `status` (null: leave the order's status alone). */
export function withBooksStatus(form: SettingsForm, path: BooksPath, status: number | null): SettingsForm {
  if (path === 'orders.statusAfterImport') return { ...form, orders: { ...form.orders, statusAfterImport: status } };
  if (path === 'orders.statusOnError') return { ...form, orders: { ...form.orders, statusOnError: status } };
  const key = path.slice('statuses.fromBooks.'.length) as keyof SettingsForm['statuses']['fromBooks'];
  return { ...form, statuses: { ...form.statuses, fromBooks: { ...form.statuses.fromBooks, [key]: status } } };
}
