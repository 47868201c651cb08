/**
 * A small subset of CEL (https://github.com/google/cel-spec), the expression language Inngest uses for
 * trigger `if`, `cancelOn.if`, `waitForEvent` matches, `concurrency.key` and `idempotency`:
 * literals, `a.b.c` / `a["b"]` paths, `! - + == != < <= > >= && ||`, parentheses, and the conversion
 * functions `string(x)` and `int(x)` (CEL's `+` does not mix types, so keys like
 * `event.data.store + "-" + string(event.data.orderId)` need them).
 * Missing fields evaluate to null (where CEL would raise an error, which Inngest treats as "no match").
 */
export type Vars = Record<string, unknown>;
export type Expression = (vars: Vars) => unknown;

type Token = { kind: 'num' | 'str' | 'ident' | 'op'; value: string };
type Node =
  | { t: 'lit'; value: unknown }
  | { t: 'var'; name: string }
  | { t: 'get'; obj: Node; key: Node }
  | { t: 'unary'; op: string; arg: Node }
  | { t: 'binary'; op: string; left: Node; right: Node }
  | { t: 'call'; fn: 'string' | 'int'; arg: Node };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '.', '[', ']', '(', ')'];
const BINARY_LEVELS = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>='], ['+', '-']];

const TOKEN_RULES: { kind: Token['kind'] | 'space'; re: RegExp }[] = [
  { kind: 'space', re: /^\s+/ },
  { kind: 'num', re: /^\d+(\.\d+)?/ },
  { kind: 'ident', re: /^[A-Za-z_][A-Za-z0-9_]*/ },
  { kind: 'str', re: /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/ },
];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < src.length; ) {
    const rest = src.slice(i);
    const rule = TOKEN_RULES.map(({ kind, re }) => ({ kind, match: re.exec(rest) })).find((r) => r.match);
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (rule?.match) {
      const { kind, match } = rule;
      if (kind === 'str') tokens.push({ kind, value: (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1') });
      else if (kind !== 'space') tokens.push({ kind, value: match[0] });
      i += match[0].length;
    } else if (op) {
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    } else throw new Error(`Unsupported expression syntax at "${rest.slice(0, 12)}" in: ${src}`);
  }
  return tokens;
}

function parse(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (value: string): boolean => peek()?.kind === 'op' && peek()?.value === value;
  const expect = (value: string): void => {
    if (!isOp(value)) throw new Error(`Expected "${value}" in expression: ${src}`);
    pos++;
  };

  const binary = (level: number): Node => {
    const ops = BINARY_LEVELS[level];
    if (!ops) return unary();
    let left = binary(level + 1);
    while (peek()?.kind === 'op' && ops.includes(peek()?.value ?? '')) {
      const op = tokens[pos++]!.value;
      left = { t: 'binary', op, left, right: binary(level + 1) };
    }
    return left;
  };
  const unary = (): Node => {
    if (isOp('!') || isOp('-')) return { t: 'unary', op: tokens[pos++]!.value, arg: unary() };
    return postfix(primary());
  };
  const postfix = (node: Node): Node => {
    for (;;) {
      if (isOp('.')) {
        pos++;
        const name = tokens[pos++];
        if (name?.kind !== 'ident') throw new Error(`Expected a field name in expression: ${src}`);
        node = { t: 'get', obj: node, key: { t: 'lit', value: name.value } };
      } else if (isOp('[')) {
        pos++;
        const key = binary(0);
        expect(']');
        node = { t: 'get', obj: node, key };
      } else return node;
    }
  };
  const primary = (): Node => {
    const token = tokens[pos++];
    if (!token) throw new Error(`Unexpected end of expression: ${src}`);
    if (token.kind === 'num') return { t: 'lit', value: Number(token.value) };
    if (token.kind === 'str') return { t: 'lit', value: token.value };
    if (token.kind === 'ident') {
      const literals: Record<string, unknown> = { true: true, false: false, null: null };
      if ((token.value === 'string' || token.value === 'int') && isOp('(')) {
        pos++;
        const arg = binary(0);
        expect(')');
        return { t: 'call', fn: token.value, arg };
      }
      return token.value in literals ? { t: 'lit', value: literals[token.value] } : { t: 'var', name: token.value };
    }
    if (token.value === '(') {
      const inner = binary(0);
      expect(')');
      return inner;
    }
    throw new Error(`Unexpected "${token.value}" in expression: ${src}`);
  };

  const root = binary(0);
  if (pos !== tokens.length) throw new Error(`Unexpected "${tokens[pos]?.value}" in expression: ${src}`);
  return root;
}

function evaluate(node: Node, vars: Vars): unknown {
  switch (node.t) {
    case 'lit':
      return node.value;
    case 'var':
      return vars[node.name] ?? null;
    case 'get': {
      const obj = evaluate(node.obj, vars);
      const key = evaluate(node.key, vars);
      if (obj === null || typeof obj !== 'object') return null;
      return (obj as Record<string, unknown>)[String(key)] ?? null;
    }
    case 'call': {
      const arg = evaluate(node.arg, vars);
      if (node.fn === 'string') return arg === null ? 'null' : typeof arg === 'object' ? JSON.stringify(arg) : String(arg);
      const n = Math.trunc(Number(arg));
      return Number.isFinite(n) ? n : null;
    }
    case 'unary': {
      const arg = evaluate(node.arg, vars);
      return node.op === '!' ? arg !== true : -Number(arg);
    }
    case 'binary': {
      if (node.op === '&&') return evaluate(node.left, vars) === true && evaluate(node.right, vars) === true;
      if (node.op === '||') return evaluate(node.left, vars) === true || evaluate(node.right, vars) === true;
      const l = evaluate(node.left, vars);
      const r = evaluate(node.right, vars);
      switch (node.op) {
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '+':
          return typeof l === 'string' || typeof r === 'string' ? `${String(l)}${String(r)}` : Number(l) + Number(r);
        case '-':
          return Number(l) - Number(r);
        default: {
          if (!((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string'))) {
            return false;
          }
          return { '<': l < r, '<=': l <= r, '>': l > r, '>=': l >= r }[node.op] ?? false;
        }
      }
    }
  }
}

const cache = new Map<string, Expression>();

/** Compiles once per source string; throws on syntax outside the subset. */
export function compileExpression(src: string): Expression {
  let fn = cache.get(src);
  if (!fn) {
    const ast = parse(src);
    fn = (vars) => evaluate(ast, vars);
    cache.set(src, fn);
  }
  return fn;
}

/** Evaluates a boolean expression; a syntax error or a non-true result is "no match", as in Inngest. */
export function matches(src: string | null | undefined, vars: Vars): boolean {
  if (!src) return true;
  try {
    return compileExpression(src)(vars) === true;
  } catch {
    return false;
  }
}
