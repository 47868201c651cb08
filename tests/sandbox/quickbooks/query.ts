// QuickBooks' query language (Intuit's "Data queries" page), as much of it as integrations send:
//   SELECT * | COUNT(*) | Field, Field FROM Entity
//     [WHERE Field op Value AND ...]   op: = < > <= >= IN (...) LIKE '%x%'   (no OR, no NOT: Intuit's page)
//     [ORDERBY Field [ASC|DESC], ...] [STARTPOSITION n] [MAXRESULTS n]
// Keywords, entity and field names in any case. Strings in single quotes (\' escapes one, as node-quickbooks writes
// it). A reference field compares by its value (CustomerRef = '12'), an e-mail field by its address.
// Answers {"QueryResponse":{"Customer":[...],"startPosition":1,"maxResults":<rows returned>}}, {} when nothing
// matches, {"totalCount":n} for COUNT(*). At most 1,000 rows (Intuit's page); without MAXRESULTS 100 rows (Intuit's
// default as integrators describe it: not confirmed). A MAXRESULTS over 1,000 is capped (not confirmed either).
// Name lists answer active records only unless the query filters on Active (Intuit's page: "...returns only active
// objects").
import { queryParseError, queryValidationError } from './faults';
import { render } from './operations';
import { canonicalEntity, NAME_LISTS, table, type Company, type EntityName, type Wire } from './store';

type Tok = { kind: 'str' | 'num' | 'word' | 'sym'; value: string; col: number };

export interface ParsedQuery {
  entity: EntityName;
  count: boolean;
  fields?: string[];
  where: Array<{ field: string; op: string; values: string[]; quoted: boolean[] }>;
  orderBy: Array<{ field: string; desc: boolean }>;
  start: number;
  max: number;
}

export const QUERY_MAX = 1000;
export const QUERY_DEFAULT = 100;

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?)(?![\w.])|(<=|>=|!=|[=<>(),*])|([A-Za-z_][\w.]*))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw queryParseError(`Encountered " ${text.slice(pos).trim().split(/\s+/)[0]} " at line 1, column ${pos + 1}.`);
    const col = m.index + (m[0].length - m[0].trimStart().length) + 1;
    if (m[1] !== undefined) out.push({ kind: 'str', value: m[1].replace(/\\(.)/g, '$1'), col });
    else if (m[2] !== undefined) out.push({ kind: 'num', value: m[2], col });
    else if (m[3] !== undefined) out.push({ kind: 'sym', value: m[3], col });
    else out.push({ kind: 'word', value: m[4] ?? '', col });
    pos = re.lastIndex;
  }
  return out;
}

export function parseQuery(text: string): ParsedQuery {
  const toks = tokenize(text);
  let i = 0;
  const peek = () => toks[i];
  const fail = (expected: string): never => {
    const t = toks[i];
    throw queryParseError(t ? `Encountered " ${t.value} " at line 1, column ${t.col}. Was expecting: ${expected}` : `Encountered "<EOF>" at end of query. Was expecting: ${expected}`);
  };
  const word = (w: string) => peek()?.kind === 'word' && peek()!.value.toLowerCase() === w;
  const expectWord = (w: string) => (word(w) ? void i++ : fail(w.toUpperCase()));
  const expectSym = (s: string) => (peek()?.kind === 'sym' && peek()!.value === s ? void i++ : fail(`"${s}"`));
  const ident = (): string => (peek()?.kind === 'word' ? toks[i++]!.value : fail('a field name'));
  const int = (): number => (peek()?.kind === 'num' && /^\d+$/.test(peek()!.value) ? Number(toks[i++]!.value) : fail('a number'));

  expectWord('select');
  let count = false;
  let fields: string[] | undefined;
  if (peek()?.value === '*') i++;
  else if (word('count')) {
    i++;
    expectSym('(');
    expectSym('*');
    expectSym(')');
    count = true;
  } else {
    fields = [ident()];
    while (peek()?.value === ',') {
      i++;
      fields.push(ident());
    }
  }
  expectWord('from');
  const entityName = ident();
  const entity = canonicalEntity(entityName);
  if (!entity) throw queryParseError(`Invalid entity "${entityName}" at line 1. (The sandbox models: Customer, Vendor, Employee, Item, Account, TaxCode, TaxRate, Class, Department, SalesReceipt, Invoice, Payment, CreditMemo, RefundReceipt, JournalEntry, CompanyInfo, Preferences.)`);
  const q: ParsedQuery = { entity, count, fields, where: [], orderBy: [], start: 1, max: QUERY_DEFAULT };
  if (word('where')) {
    i++;
    for (;;) {
      const field = ident();
      const t = peek();
      if (t?.kind === 'word' && t.value.toLowerCase() === 'in') {
        i++;
        expectSym('(');
        const values: string[] = [];
        const quoted: boolean[] = [];
        for (;;) {
          const v = toks[i];
          if (!v || (v.kind !== 'str' && v.kind !== 'num' && v.kind !== 'word')) fail('a value');
          values.push(v!.value);
          quoted.push(v!.kind === 'str');
          i++;
          if (peek()?.value === ',') i++;
          else break;
        }
        expectSym(')');
        q.where.push({ field, op: 'in', values, quoted });
      } else {
        let op: string;
        if (t?.kind === 'word' && t.value.toLowerCase() === 'like') op = 'like';
        else if (t?.kind === 'sym' && ['=', '<', '>', '<=', '>='].includes(t.value)) op = t.value;
        else return fail('one of "=" "<" ">" "<=" ">=" "IN" "LIKE"');
        i++;
        const v = toks[i];
        if (!v || (v.kind !== 'str' && v.kind !== 'num' && v.kind !== 'word')) fail('a value');
        i++;
        q.where.push({ field, op, values: [v!.value], quoted: [v!.kind === 'str'] });
      }
      if (word('and')) {
        i++;
        continue;
      }
      break;
    }
  }
  if (word('orderby') || word('order')) {
    if (word('order')) {
      i++;
      expectWord('by');
    } else i++;
    for (;;) {
      const field = ident();
      let desc = false;
      if (word('desc')) {
        desc = true;
        i++;
      } else if (word('asc')) i++;
      q.orderBy.push({ field, desc });
      if (peek()?.value === ',') i++;
      else break;
    }
  }
  for (;;) {
    if (word('startposition')) {
      i++;
      q.start = Math.max(1, int());
    } else if (word('maxresults')) {
      i++;
      q.max = Math.min(QUERY_MAX, Math.max(0, int()));
    } else break;
  }
  if (i < toks.length) fail('<EOF>');
  return q;
}

function get(row: Wire, path: string): unknown {
  let v: unknown = row;
  for (const p of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    const obj = v as Wire;
    const k = Object.keys(obj).find((key) => key.toLowerCase() === p.toLowerCase());
    v = k === undefined ? undefined : obj[k];
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Wire;
    return obj.value ?? obj.Address ?? obj.FreeFormNumber;
  }
  return v;
}

const ISO = /^\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:\d{2}|Z)?)?$/;

function compare(left: unknown, right: string): number | null {
  if (left === undefined || left === null) return null;
  if (typeof left === 'number' || typeof left === 'boolean') {
    if (typeof left === 'boolean') return String(left) === right.toLowerCase() ? 0 : 1;
    const r = Number(right);
    return Number.isNaN(r) ? null : Math.sign(left - r);
  }
  const l = String(left);
  if (ISO.test(l) && ISO.test(right)) {
    if (l.length === 10 && right.length === 10) return l < right ? -1 : l > right ? 1 : 0;
    return Math.sign(Date.parse(l.length === 10 ? `${l}T00:00:00Z` : l) - Date.parse(right.length === 10 ? `${right}T00:00:00Z` : right));
  }
  const a = l.toLowerCase();
  const b = right.toLowerCase();
  if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) return Math.sign(Number(a) - Number(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

function like(value: unknown, pattern: string): boolean {
  if (value === undefined || value === null) return false;
  const re = new RegExp(`^${pattern.split('%').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'is');
  return re.test(String(value));
}

/** Optional fields Intuit's reference marks filterable, queryable whether or not a stored record has one yet.
 *  Item.Sku: "Traits: filterable", minor version 4+ (developer.intuit.com/app/developer/qbo/docs/api/accounting/
 *  most-commonly-used/item); integrators query `WHERE Sku = '…'` with minorversion ≥ 4 (minimul/qbo_api#22). Intuit
 *  ties this to no company preference (Preferences exposes no SKU setting), so a company whose items have no Sku
 *  still answers a Sku filter, with no rows. Customer.DisplayName and Customer.PrimaryEmailAddr: "filterable" in the
 *  Customer reference (…/most-commonly-used/customer), so a company whose customers have no email yet answers an
 *  email filter with no rows. */
const FILTERABLE: Partial<Record<EntityName, readonly string[]>> = { Item: ['sku'], Customer: ['displayname', 'primaryemailaddr'] };

/** Fields a query may name: the entity's own (as stored, or documented filterable) plus the envelope's. */
function knownField(entity: EntityName, rows: Wire[], field: string): boolean {
  const head = field.split('.')[0]!.toLowerCase();
  if (['id', 'synctoken', 'metadata', 'domain', 'sparse', 'active', 'balance', 'remainingcredit', 'linkedtxn'].includes(head)) return true;
  if (FILTERABLE[entity]?.includes(head)) return true;
  return rows.some((r) => Object.keys(r).some((k) => k.toLowerCase() === head));
}

/** The QueryResponse for a query (the caller adds `time`). */
export function runQuery(company: Company, text: string): Wire {
  const q = parseQuery(text);
  let rows = [...table(company, q.entity).values()].map((s) => render(company, q.entity, s));
  for (const c of q.where) if (!knownField(q.entity, rows, c.field) && rows.length > 0) throw queryValidationError(`property '${c.field}' is not queryable`);
  const filtersActive = q.where.some((c) => c.field.toLowerCase() === 'active');
  if (NAME_LISTS.includes(q.entity) && !filtersActive) rows = rows.filter((r) => r.Active !== false);
  rows = rows.filter((row) =>
    q.where.every((c) => {
      const v = get(row, c.field);
      if (c.op === 'in') return c.values.some((x) => compare(v, x) === 0);
      if (c.op === 'like') return like(v, c.values[0] ?? '');
      const r = compare(v, c.values[0] ?? '');
      if (r === null) return false;
      return c.op === '=' ? r === 0 : c.op === '<' ? r < 0 : c.op === '>' ? r > 0 : c.op === '<=' ? r <= 0 : r >= 0;
    }),
  );
  if (q.count) return { QueryResponse: { totalCount: rows.length } };
  const order = q.orderBy.length ? q.orderBy : [{ field: 'Id', desc: false }];
  rows.sort((a, b) => {
    for (const o of order) {
      const va = get(a, o.field);
      const vb = get(b, o.field);
      const r = va === undefined ? (vb === undefined ? 0 : -1) : (compare(va, String(vb)) ?? 1);
      if (r !== 0) return o.desc ? -r : r;
    }
    return 0;
  });
  const page = rows.slice(q.start - 1, q.start - 1 + q.max).map((r) => project(r, q.fields));
  if (page.length === 0) return { QueryResponse: {} };
  return { QueryResponse: { [q.entity]: page, startPosition: q.start, maxResults: page.length } };
}

function project(row: Wire, fields: string[] | undefined): Wire {
  if (!fields) return row;
  const out: Wire = { Id: row.Id, SyncToken: row.SyncToken, domain: row.domain, sparse: true, MetaData: row.MetaData };
  for (const f of fields) {
    const k = Object.keys(row).find((key) => key.toLowerCase() === f.toLowerCase());
    if (k !== undefined) out[k] = row[k];
  }
  return out;
}
