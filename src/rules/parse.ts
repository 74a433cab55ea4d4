import type {CstNode, IToken} from 'chevrotain';
import type {BinaryOp, Binding, Expr, Span} from './ast.js';
import {ExprLexer, TOKEN_TEXT} from './lexer.js';
import {exprParser} from './parser.js';
import {parseDuration} from '../kernel/time.js';

/** A syntax problem at a character offset of the expression text. */
export interface SyntaxProblem {
  message: string;
  hint?: string;
  offset: number;
  length: number;
}

export type ParseResult = {ok: true; ast: Expr} | {ok: false; problems: SyntaxProblem[]};

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function kids(n: CstNode): Children {
  return n.children as Children;
}
function tok(c: Children, name: string, i = 0): IToken | undefined {
  return c[name]?.[i] as IToken | undefined;
}
function node(c: Children, name: string, i = 0): CstNode | undefined {
  return c[name]?.[i] as CstNode | undefined;
}
function tokSpan(t: IToken): Span {
  return {start: t.startOffset, end: t.startOffset + t.image.length};
}

const ESCAPES: Record<string, string> = {n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'", '/': '/'};

/** Internal signal for a problem found while building the AST (caught in parseExpression). */
class AstProblem extends Error {
  constructor(readonly problem: SyntaxProblem) {
    super(problem.message);
  }
}

function unquote(t: IToken): string {
  const raw = t.image;
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[i + 1];
    if (e === 'u') {
      const hex = raw.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new AstProblem({message: 'invalid \\u escape: expected four hex digits', offset: t.startOffset + i, length: 2, hint: 'write \\u00e9 for é'});
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
      continue;
    }
    const v = ESCAPES[e];
    if (v === undefined) {
      throw new AstProblem({
        message: `unknown escape sequence \\${e}`,
        offset: t.startOffset + i,
        length: 2,
        hint: 'valid escapes: \\n \\t \\r \\0 \\\\ \\" \\\' \\uXXXX (a regex literal /…/ keeps backslashes as written)',
      });
    }
    out += v;
    i += 1;
  }
  return out;
}

const COMPARE: Record<string, BinaryOp> = {
  Eq: '==', NotEq: '!=', Le: '<=', Ge: '>=', Lt: '<', Gt: '>', In: 'in', Contains: 'contains',
  IContains: 'icontains', StartsWith: 'startswith', EndsWith: 'endswith', Matches: 'matches',
};

/** CST → AST. A plain recursive walk over the CST that Chevrotain produced. */
class AstBuilder {
  expression(n: CstNode): Expr {
    return this.orExpr(node(kids(n), 'orExpr')!);
  }

  private chain(n: CstNode, sub: (x: CstNode) => Expr, op: BinaryOp, opTok: string): Expr {
    const c = kids(n);
    const operands = (c.operands ?? []) as CstNode[];
    let acc = sub(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const right = sub(operands[i]);
      const t = tok(c, opTok, i - 1)!;
      acc = {k: 'binary', op, left: acc, right, opSpan: tokSpan(t), span: {start: acc.span.start, end: right.span.end}};
    }
    return acc;
  }

  orExpr(n: CstNode): Expr {
    return this.chain(n, (x) => this.andExpr(x), 'or', 'Or');
  }
  andExpr(n: CstNode): Expr {
    return this.chain(n, (x) => this.notExpr(x), 'and', 'And');
  }
  notExpr(n: CstNode): Expr {
    const c = kids(n);
    const not = tok(c, 'Not');
    if (not) {
      const arg = this.notExpr(node(c, 'notExpr')!);
      return {k: 'unary', op: 'not', arg, span: {start: not.startOffset, end: arg.span.end}};
    }
    return this.comparison(node(c, 'comparison')!);
  }
  comparison(n: CstNode): Expr {
    const c = kids(n);
    const operands = (c.operands ?? []) as CstNode[];
    const left = this.coalesce(operands[0]);
    if (operands.length === 1) return left;
    const opNode = kids(node(c, 'compareOp')!);
    const toks = Object.values(opNode).flat() as IToken[];
    toks.sort((a, b) => a.startOffset - b.startOffset);
    const first = toks[0];
    const last = toks[toks.length - 1];
    const op: BinaryOp = toks.length === 2 ? 'not in' : COMPARE[first.tokenType.name];
    const right = this.coalesce(operands[1]);
    return {
      k: 'binary', op, left, right,
      opSpan: {start: first.startOffset, end: last.startOffset + last.image.length},
      span: {start: left.span.start, end: right.span.end},
    };
  }
  coalesce(n: CstNode): Expr {
    return this.chain(n, (x) => this.additive(x), '??', 'Coalesce');
  }
  private arith(n: CstNode, sub: (x: CstNode) => Expr): Expr {
    const c = kids(n);
    const operands = (c.operands ?? []) as CstNode[];
    const ops = ((c.ops ?? []) as IToken[]).slice().sort((a, b) => a.startOffset - b.startOffset);
    let acc = sub(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const right = sub(operands[i]);
      const t = ops[i - 1];
      acc = {k: 'binary', op: t.image as BinaryOp, left: acc, right, opSpan: tokSpan(t), span: {start: acc.span.start, end: right.span.end}};
    }
    return acc;
  }
  additive(n: CstNode): Expr {
    return this.arith(n, (x) => this.multiplicative(x));
  }
  multiplicative(n: CstNode): Expr {
    return this.arith(n, (x) => this.unary(x));
  }
  unary(n: CstNode): Expr {
    const c = kids(n);
    const minus = tok(c, 'Minus');
    if (minus) {
      const arg = this.unary(node(c, 'unary')!);
      if (arg.k === 'lit' && typeof arg.value === 'number') {
        return {k: 'lit', value: -arg.value, span: {start: minus.startOffset, end: arg.span.end}};
      }
      return {k: 'unary', op: '-', arg, span: {start: minus.startOffset, end: arg.span.end}};
    }
    return this.postfix(node(c, 'postfix')!);
  }
  postfix(n: CstNode): Expr {
    const c = kids(n);
    let acc = this.primary(node(c, 'primary')!);
    for (const f of (c.fields ?? []) as IToken[]) {
      acc = {k: 'member', obj: acc, name: f.image, nameSpan: tokSpan(f), span: {start: acc.span.start, end: f.startOffset + f.image.length}};
    }
    return acc;
  }
  primary(n: CstNode): Expr {
    const c = kids(n);
    const [name, list] = Object.entries(c)[0] as [string, CstNode[]];
    const sub = list[0];
    switch (name) {
      case 'literal':
        return this.literal(sub);
      case 'listLiteral':
        return this.listLiteral(sub);
      case 'parenthesized': {
        const inner = this.expression(node(kids(sub), 'expression')!);
        const l = tok(kids(sub), 'LParen')!;
        const r = tok(kids(sub), 'RParen')!;
        // Parentheses widen the span so diagnostics underline what the author wrote.
        return {...inner, span: {start: l.startOffset, end: r.startOffset + 1}};
      }
      case 'quantifier':
        return this.quantifier(sub);
      case 'conditional':
        return this.conditional(sub);
      default:
        return this.callOrName(sub);
    }
  }
  quantifier(n: CstNode): Expr {
    const c = kids(n);
    const q = tok(c, 'q')!;
    const id = tok(c, 'Identifier')!;
    const list = this.additive(node(c, 'additive')!);
    const body = this.expression(node(c, 'expression')!);
    return {
      k: 'quant', q: q.image as 'any' | 'all',
      bind: {name: id.image, nameSpan: tokSpan(id), list, body},
      span: {start: q.startOffset, end: body.span.end},
    };
  }
  conditional(n: CstNode): Expr {
    const c = kids(n);
    const start = tok(c, 'If')!.startOffset;
    const els = this.expression(node(c, 'else')!);
    return {
      k: 'if', cond: this.expression(node(c, 'cond')!), then: this.expression(node(c, 'then')!), else: els,
      span: {start, end: els.span.end},
    };
  }
  callOrName(n: CstNode): Expr {
    const c = kids(n);
    const id = tok(c, 'Identifier')!;
    const lp = tok(c, 'LParen');
    if (!lp) return {k: 'ident', name: id.image, span: tokSpan(id)};
    const rp = tok(c, 'RParen')!;
    const span = {start: id.startOffset, end: rp.startOffset + 1};
    const argsNode = node(c, 'args');
    if (!argsNode) return {k: 'call', name: id.image, nameSpan: tokSpan(id), args: [], bind: null, span};
    const a = kids(argsNode);
    const first = this.expression(node(a, 'first')!);
    const rest = ((a.rest ?? []) as CstNode[]).map((x) => this.expression(x));
    const bodyNode = node(a, 'body');
    let bind: Binding | null = null;
    let args = [first, ...rest];
    if (bodyNode) {
      // `f(x in LIST: body)` parses `x in LIST` as a membership test first; re-read it as a binding.
      if (first.k !== 'binary' || first.op !== 'in' || first.left.k !== 'ident') {
        throw new AstProblem({
          message: `expected "name in list" before ":" in ${id.image}(...)`,
          offset: first.span.start,
          length: first.span.end - first.span.start,
          hint: `write ${id.image}(x in some_list: condition)`,
        });
      }
      bind = {name: first.left.name, nameSpan: first.left.span, list: first.right, body: this.expression(bodyNode)};
      args = rest;
    }
    return {k: 'call', name: id.image, nameSpan: tokSpan(id), args, bind, span};
  }
  listLiteral(n: CstNode): Expr {
    const c = kids(n);
    const l = tok(c, 'LBracket')!;
    const r = tok(c, 'RBracket')!;
    const items = ((c.items ?? []) as CstNode[]).map((x) => this.expression(x));
    return {k: 'list', items, span: {start: l.startOffset, end: r.startOffset + 1}};
  }
  literal(n: CstNode): Expr {
    const t = Object.values(kids(n))[0]![0] as IToken;
    const span = tokSpan(t);
    switch (t.tokenType.name) {
      case 'String':
        return {k: 'lit', value: unquote(t), span};
      case 'Number':
        return {k: 'lit', value: Number(t.image), span};
      case 'Duration': {
        const micros = parseDuration(t.image);
        if (micros === null) throw new AstProblem({message: `malformed duration ${t.image}`, offset: t.startOffset, length: t.image.length});
        return {k: 'dur', micros, text: t.image, span};
      }
      case 'Regex': {
        const close = t.image.lastIndexOf('/');
        return {k: 'regex', source: t.image.slice(1, close), flags: t.image.slice(close + 1), span};
      }
      case 'True':
        return {k: 'lit', value: true, span};
      case 'False':
        return {k: 'lit', value: false, span};
      default:
        return {k: 'lit', value: null, span};
    }
  }
}

const builder = new AstBuilder();

function describe(t: IToken): string {
  if (t.tokenType.name === 'EOF') return 'end of expression';
  return JSON.stringify(t.image);
}

/** A token type as the user writes it: `")"` for RParen, `"then"` for Then, the name otherwise. */
function tokenText(name: string): string {
  return TOKEN_TEXT[name] !== undefined ? JSON.stringify(TOKEN_TEXT[name]) : name;
}

const CLOSER: Record<string, string> = {LParen: 'RParen', LBracket: 'RBracket'};

/**
 * A parse error caused by an unbalanced bracket, located where the user must look: a missing
 * closer points at the opener left unclosed, a stray closer at itself. Null for other errors.
 */
function unbalancedDelimiter(tokens: IToken[], errorAt: number, expected: string | undefined): SyntaxProblem | null {
  const open: IToken[] = [];
  for (const tok of tokens.slice(0, errorAt)) {
    const name = tok.tokenType.name;
    if (CLOSER[name]) open.push(tok);
    else if ((name === 'RParen' || name === 'RBracket') && open.length > 0 && CLOSER[open[open.length - 1].tokenType.name] === name) open.pop();
  }
  const top = open[open.length - 1];
  if (top && expected === CLOSER[top.tokenType.name]) {
    const closer = tokenText(expected);
    return {message: `${JSON.stringify(top.image)} is never closed: missing ${closer}`, offset: top.startOffset, length: 1, hint: `add ${closer} where the group that starts here ends`};
  }
  const stray = tokens[errorAt];
  const strayName = stray?.tokenType.name;
  if ((strayName === 'RParen' || strayName === 'RBracket') && !open.some((o) => CLOSER[o.tokenType.name] === strayName)) {
    const opener = strayName === 'RParen' ? '"("' : '"["';
    return {message: `${JSON.stringify(stray.image)} has no matching ${opener}`, offset: stray.startOffset, length: 1, hint: `remove it or add the ${opener} it closes`};
  }
  return null;
}

/**
 * Parses one expression. Never throws on bad input: every problem is returned with its offset
 * (the caller maps offsets into the YAML scalar).
 */
export function parseExpression(text: string): ParseResult {
  const lexed = ExprLexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0];
    const ch = text.slice(e.offset, e.offset + 1);
    const hint =
      ch === '&' || ch === '|' ? 'use the words `and` / `or`' : ch === '!' ? 'use `not` or `!=`' : ch === '=' ? 'compare with `==`' : undefined;
    return {ok: false, problems: [{message: `unexpected character ${JSON.stringify(ch)}`, offset: e.offset, length: Math.max(1, e.length), hint}]};
  }
  const unterminated = lexed.tokens.find((t) => t.tokenType.name === 'UnterminatedString');
  if (unterminated) {
    return {ok: false, problems: [{message: 'unterminated string literal', offset: unterminated.startOffset, length: 1, hint: `close it with ${unterminated.image[0]}`}]};
  }
  if (lexed.tokens.length === 0) {
    return {ok: false, problems: [{message: 'empty expression', offset: 0, length: Math.max(1, text.length)}]};
  }
  exprParser.input = lexed.tokens;
  const cst = exprParser.expression();
  if (exprParser.errors.length > 0) {
    const e = exprParser.errors[0];
    const t = e.token;
    const atEnd = t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset);
    const offset = atEnd ? text.length : t.startOffset;
    const expected = /Expecting (?:token of type --> (\w+) <--|: one of these possible Token sequences)/.exec(e.message)?.[1];
    const unbalanced = unbalancedDelimiter(lexed.tokens, atEnd ? lexed.tokens.length : lexed.tokens.indexOf(t), expected);
    if (unbalanced) return {ok: false, problems: [unbalanced]};
    let message: string;
    if (e.name === 'NotAllInputParsedException') message = `unexpected ${describe(t)} after a complete expression`;
    else message = `unexpected ${atEnd ? 'end of expression' : describe(t)}`;
    const hint = expected ? `expected ${tokenText(expected)}` : e.name === 'NotAllInputParsedException' ? 'join conditions with `and` / `or`' : undefined;
    return {ok: false, problems: [{message, offset, length: atEnd ? 1 : Math.max(1, t.image.length), hint}]};
  }
  try {
    return {ok: true, ast: builder.expression(cst)};
  } catch (err) {
    if (err instanceof AstProblem) return {ok: false, problems: [err.problem]};
    throw err;
  }
}
