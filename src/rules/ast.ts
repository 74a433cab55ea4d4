/**
 * AST of the rule expression language. Every node carries its character span inside the
 * expression text (0-based, end exclusive) so diagnostics can point into the YAML scalar.
 */
export interface Span {
  start: number;
  end: number;
}

export type BinaryOp =
  | 'or'
  | 'and'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in'
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'endswith'
  | 'matches'
  | '??'
  | '+'
  | '-'
  | '*'
  | '/';

export type Expr =
  | {k: 'lit'; span: Span; value: string | number | boolean | null}
  | {k: 'dur'; span: Span; micros: number; text: string}
  | {k: 'regex'; span: Span; source: string; flags: string}
  | {k: 'list'; span: Span; items: Expr[]}
  | {k: 'ident'; span: Span; name: string}
  | {k: 'member'; span: Span; obj: Expr; name: string; nameSpan: Span}
  | {k: 'unary'; span: Span; op: 'not' | '-'; arg: Expr}
  | {k: 'binary'; span: Span; op: BinaryOp; left: Expr; right: Expr; opSpan: Span}
  | {k: 'call'; span: Span; name: string; nameSpan: Span; args: Expr[]; bind: Binding | null}
  | {k: 'quant'; span: Span; q: 'any' | 'all'; bind: Binding}
  | {k: 'if'; span: Span; cond: Expr; then: Expr; else: Expr};

/** `x in LIST: body` — the comprehension shared by quantifiers and aggregates. */
export interface Binding {
  name: string;
  nameSpan: Span;
  list: Expr;
  body: Expr;
}

/** Visits every node depth-first, parents before children. */
export function walk(e: Expr, fn: (e: Expr) => void): void {
  fn(e);
  switch (e.k) {
    case 'list':
      e.items.forEach((x) => walk(x, fn));
      break;
    case 'member':
      walk(e.obj, fn);
      break;
    case 'unary':
      walk(e.arg, fn);
      break;
    case 'binary':
      walk(e.left, fn);
      walk(e.right, fn);
      break;
    case 'call':
      e.args.forEach((x) => walk(x, fn));
      if (e.bind) {
        walk(e.bind.list, fn);
        walk(e.bind.body, fn);
      }
      break;
    case 'quant':
      walk(e.bind.list, fn);
      walk(e.bind.body, fn);
      break;
    case 'if':
      walk(e.cond, fn);
      walk(e.then, fn);
      walk(e.else, fn);
      break;
    default:
      break;
  }
}
