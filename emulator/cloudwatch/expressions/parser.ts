/**
 * A small recursive-descent parser for the subset of CloudWatch metric math the
 * emulator supports: numbers, query ids, + - * / ^, parentheses, arrays `[a, b]`,
 * string literals (for `METRICS('filter')`) and function calls such as
 * `FILL(m1, 0)`, `SUM(METRICS())`, `RATE(m1)`.
 */

export type Expr =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ref'; id: string }
  /** Bare upper-case keywords used as arguments, e.g. `REPEAT`/`LINEAR` in FILL. */
  | { type: 'keyword'; name: string }
  | { type: 'array'; items: Expr[] }
  | { type: 'unary'; op: '-'; operand: Expr }
  | { type: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Expr; right: Expr }
  | { type: 'call'; name: string; args: Expr[] };

export class ExpressionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

type Token =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'punct'; value: string; pos: number }
  | { kind: 'end'; pos: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), pos: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', value: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) throw new ExpressionSyntaxError(`Unterminated string starting at position ${i}`);
      tokens.push({ kind: 'string', value: source.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    if ('+-*/^(),[]'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, pos: i });
      i += 1;
      continue;
    }
    throw new ExpressionSyntaxError(`Unexpected character '${ch}' at position ${i}`);
  }
  tokens.push({ kind: 'end', pos: source.length });
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const expr = this.additive();
    const next = this.peek();
    if (next.kind !== 'end') throw new ExpressionSyntaxError(`Unexpected token at position ${next.pos}`);
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }

  private expect(value: string): void {
    if (!this.isPunct(value)) throw new ExpressionSyntaxError(`Expected '${value}' at position ${this.peek().pos}`);
    this.index += 1;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = (this.tokens[this.index++] as { value: '+' | '-' }).value;
      left = { type: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isPunct('*') || this.isPunct('/')) {
      const op = (this.tokens[this.index++] as { value: '*' | '/' }).value;
      left = { type: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isPunct('-')) {
      this.index += 1;
      return { type: 'unary', op: '-', operand: this.unary() };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.primary();
    if (this.isPunct('^')) {
      this.index += 1;
      return { type: 'binary', op: '^', left: base, right: this.unary() };
    }
    return base;
  }

  private primary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.index += 1;
      return { type: 'number', value: t.value };
    }
    if (t.kind === 'string') {
      this.index += 1;
      return { type: 'string', value: t.value };
    }
    if (t.kind === 'ident') {
      this.index += 1;
      if (this.isPunct('(')) return { type: 'call', name: t.value.toUpperCase(), args: this.list(')') };
      // Query ids start lower-case (CloudWatch rule); upper-case words are keywords.
      return /^[a-z]/.test(t.value) ? { type: 'ref', id: t.value } : { type: 'keyword', name: t.value };
    }
    if (this.isPunct('(')) {
      this.index += 1;
      const inner = this.additive();
      this.expect(')');
      return inner;
    }
    if (this.isPunct('[')) return { type: 'array', items: this.list(']') };
    throw new ExpressionSyntaxError(`Unexpected ${t.kind === 'end' ? 'end of expression' : `token at position ${t.pos}`}`);
  }

  /** Parses `( a, b )` or `[ a, b ]`; the opening token is current. */
  private list(close: ')' | ']'): Expr[] {
    this.index += 1;
    const items: Expr[] = [];
    if (this.isPunct(close)) {
      this.index += 1;
      return items;
    }
    for (;;) {
      items.push(this.additive());
      if (this.isPunct(',')) {
        this.index += 1;
        continue;
      }
      this.expect(close);
      return items;
    }
  }
}

export function parseExpression(source: string): Expr {
  return new Parser(tokenize(source)).parse();
}
