// Xero's `where` filter language, enough of it for what integrations send:
//   EmailAddress=="jane@example.com"   Status=="AUTHORISED" && Total>100   Name.Contains("Jane")
//   Contact.ContactID==Guid("...")    Date>=DateTime(2024,01,31)          Type=="ACCREC" OR Type=="ACCPAY"
// String comparisons are case-insensitive, as on Xero. Fields are the resource's JSON fields (dotted for
// nested ones). An expression the sandbox cannot parse is answered with Xero's 400 for a bad filter.
import Big from 'big.js';
import { Dec } from './wire';

type Token = { kind: 'str' | 'op' | 'num' | 'ident'; value: string };
type Value = string | Big | boolean | null | { date: string };
export type Predicate = (row: Record<string, unknown>) => boolean;

export class WhereError extends Error {}

function tokenize(expr: string): Token[] {
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|(==|!=|>=|<=|&&|\|\||>|<|\(|\)|,|\.|!)|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*))/y;
  const out: Token[] = [];
  let pos = 0;
  const text = expr.trim();
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || re.lastIndex === pos) throw new WhereError(`cannot parse the filter at "${text.slice(pos)}"`);
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ kind: 'str', value: m[1].slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[2] !== undefined) out.push({ kind: 'op', value: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'num', value: m[3] });
    else if (m[4] !== undefined) out.push({ kind: 'ident', value: m[4] });
  }
  return out;
}

function get(row: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = row;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    const obj = v as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === p.toLowerCase());
    v = key === undefined ? undefined : obj[key];
  }
  return v;
}

function normalise(v: unknown): Value | undefined {
  if (v === undefined || v === null) return null;
  if (v instanceof Dec) return v.value;
  if (typeof v === 'number') return new Big(String(v));
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const ms = /^\/Date\((-?\d+)/.exec(v);
    if (ms) return { date: new Date(Number(ms[1])).toISOString() };
    return v;
  }
  return undefined;
}

function compare(left: unknown, op: string, right: Value): boolean {
  const l = normalise(left);
  if (l === undefined) return false;
  let c: number | null = null;
  if (right === null || l === null) {
    const eq = right === l || (right === null && l === '') ;
    return op === '==' ? eq : op === '!=' ? !eq : false;
  }
  if (typeof right === 'string' && typeof l === 'string') {
    const a = l.toLowerCase();
    const b = right.toLowerCase();
    c = a < b ? -1 : a > b ? 1 : 0;
  } else if (right instanceof Big && l instanceof Big) {
    c = l.cmp(right);
  } else if (typeof right === 'boolean' && typeof l === 'boolean') {
    c = l === right ? 0 : 1;
    if (op !== '==' && op !== '!=') return false;
  } else if (typeof right === 'object' && 'date' in right && typeof l === 'object' && l !== null && 'date' in l) {
    c = l.date < right.date ? -1 : l.date > right.date ? 1 : 0;
  } else if (typeof right === 'string' && l instanceof Big) {
    return false;
  } else {
    return op === '!=';
  }
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    default:
      return false;
  }
}

export function parseWhere(expr: string): Predicate {
  const toks = tokenize(expr);
  let i = 0;
  const peek = () => toks[i];
  const isOp = (...vals: string[]) => {
    const t = peek();
    return !!t && ((t.kind === 'op' && vals.includes(t.value)) || (t.kind === 'ident' && vals.includes(t.value.toUpperCase())));
  };
  const take = (kind?: Token['kind'], value?: string): Token => {
    const t = peek();
    if (!t || (kind && t.kind !== kind) || (value !== undefined && t.value !== value)) {
      throw new WhereError(`unexpected ${t ? `"${t.value}"` : 'end of filter'}`);
    }
    i += 1;
    return t;
  };

  const value = (): Value => {
    const t = take();
    if (t.kind === 'str') return t.value;
    if (t.kind === 'num') return new Big(t.value);
    if (t.kind === 'ident') {
      const u = t.value.toUpperCase();
      if (u === 'TRUE') return true;
      if (u === 'FALSE') return false;
      if (u === 'NULL') return null;
      if (u === 'GUID') {
        take('op', '(');
        const g = take('str').value;
        take('op', ')');
        return g;
      }
      if (u === 'DATETIME' || u === 'DATETIMEOFFSET') {
        take('op', '(');
        const parts: number[] = [];
        while (!isOp(')')) {
          if (isOp(',')) {
            i += 1;
            continue;
          }
          parts.push(Number(take('num').value));
        }
        take('op', ')');
        const [y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0] = parts;
        return { date: new Date(Date.UTC(y, mo - 1, d, h, mi, s)).toISOString() };
      }
    }
    throw new WhereError(`unexpected "${t.value}"`);
  };

  const atom = (): Predicate => {
    if (isOp('(')) {
      i += 1;
      const p = or();
      take('op', ')');
      return p;
    }
    if (isOp('!', 'NOT')) {
      i += 1;
      const inner = atom();
      return (row) => !inner(row);
    }
    const path = [take('ident').value];
    let method: string | null = null;
    while (isOp('.')) {
      i += 1;
      const name = take('ident').value;
      if (isOp('(')) {
        method = name.toLowerCase();
        break;
      }
      path.push(name);
    }
    if (method) {
      take('op', '(');
      const arg = value();
      take('op', ')');
      if (typeof arg !== 'string' || !['contains', 'startswith', 'endswith'].includes(method)) {
        throw new WhereError(`unsupported method ${method}`);
      }
      const needle = arg.toLowerCase();
      return (row) => {
        const v = get(row, path);
        if (typeof v !== 'string') return false;
        const hay = v.toLowerCase();
        return method === 'contains' ? hay.includes(needle) : method === 'startswith' ? hay.startsWith(needle) : hay.endsWith(needle);
      };
    }
    // A bare boolean field (`IsCustomer`) means `IsCustomer==true`.
    if (!isOp('==', '!=', '>=', '<=', '>', '<')) return (row) => get(row, path) === true;
    const op = take('op').value;
    const right = value();
    return (row) => compare(get(row, path), op, right);
  };

  const and = (): Predicate => {
    const terms = [atom()];
    while (isOp('&&', 'AND')) {
      i += 1;
      terms.push(atom());
    }
    return terms.length === 1 ? terms[0]! : (row) => terms.every((t) => t(row));
  };

  function or(): Predicate {
    const terms = [and()];
    while (isOp('||', 'OR')) {
      i += 1;
      terms.push(and());
    }
    return terms.length === 1 ? terms[0]! : (row) => terms.some((t) => t(row));
  }

  const pred = or();
  if (i !== toks.length) throw new WhereError(`unexpected "${toks[i]?.value}"`);
  return pred;
}

/** `order=InvoiceNumber DESC, Date`: a comparator over rendered rows. */
export function parseOrder(spec: string): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [field = '', dir = 'ASC'] = s.split(/\s+/);
      return { path: field.split('.'), desc: dir.toUpperCase() === 'DESC' };
    });
  return (a, b) => {
    for (const k of keys) {
      const x = normalise(get(a, k.path));
      const y = normalise(get(b, k.path));
      let c = 0;
      if (x instanceof Big && y instanceof Big) c = x.cmp(y);
      else {
        const xs = x === null || x === undefined ? '' : typeof x === 'object' && 'date' in x ? x.date : String(x).toLowerCase();
        const ys = y === null || y === undefined ? '' : typeof y === 'object' && 'date' in y ? y.date : String(y).toLowerCase();
        c = xs < ys ? -1 : xs > ys ? 1 : 0;
      }
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}
