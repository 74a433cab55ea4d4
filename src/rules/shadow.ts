import type {Diagnostic} from '../kernel/diagnostic.js';
import type {Expr} from './ast.js';
import type {Checker} from './checker.js';
import type {SuppressRule} from './model.js';

/** Canonical text of an expression (spacing and parentheses normalized). */
export function exprText(e: Expr): string {
  switch (e.k) {
    case 'lit':
      return e.value === null ? 'null' : typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
    case 'dur':
      return e.text;
    case 'regex':
      return `/${e.source}/${e.flags}`;
    case 'list':
      return `[${e.items.map(exprText).join(', ')}]`;
    case 'ident':
      return e.name;
    case 'member':
      return `${exprText(e.obj)}.${e.name}`;
    case 'unary':
      return e.op === 'not' ? `not (${exprText(e.arg)})` : `-(${exprText(e.arg)})`;
    case 'binary':
      return `(${exprText(e.left)} ${e.op} ${exprText(e.right)})`;
    case 'call':
      return `${e.name}(${e.bind ? `${e.bind.name} in ${exprText(e.bind.list)}: ${exprText(e.bind.body)}` : ''}${e.bind && e.args.length ? ', ' : ''}${e.args.map(exprText).join(', ')})`;
    case 'quant':
      return `(${e.q} ${e.bind.name} in ${exprText(e.bind.list)}: ${exprText(e.bind.body)})`;
    case 'if':
      return `(if ${exprText(e.cond)} then ${exprText(e.then)} else ${exprText(e.else)})`;
  }
}

function strLit(e: Expr): string | null {
  return e.k === 'lit' && typeof e.value === 'string' ? e.value : null;
}

/**
 * A sound but incomplete test of "whenever `a` holds, `b` holds": structural equality,
 * and/or decomposition, and string tests on the same operand whose pattern is more specific.
 */
export function implies(a: Expr, b: Expr): boolean {
  if (exprText(a) === exprText(b)) return true;
  if (b.k === 'binary' && b.op === 'or') return implies(a, b.left) || implies(a, b.right);
  if (a.k === 'binary' && a.op === 'and') return implies(a.left, b) || implies(a.right, b);
  if (a.k === 'binary' && a.op === 'or') return implies(a.left, b) && implies(a.right, b);
  if (b.k === 'binary' && b.op === 'and') return implies(a, b.left) && implies(a, b.right);
  if (a.k === 'quant' && b.k === 'quant' && a.q === b.q && a.bind.name === b.bind.name && exprText(a.bind.list) === exprText(b.bind.list)) {
    return implies(a.bind.body, b.bind.body);
  }
  if (a.k === 'binary' && b.k === 'binary' && exprText(a.left) === exprText(b.left)) {
    const pa = strLit(a.right);
    const pb = strLit(b.right);
    if (pa === null || pb === null) return false;
    const sameCase = (x: string, y: string, ci: boolean) => (ci ? x.toLowerCase().includes(y.toLowerCase()) : x.includes(y));
    if (b.op === 'contains' && (a.op === 'contains' || a.op === '==' || a.op === 'startswith' || a.op === 'endswith')) return sameCase(pa, pb, false);
    if (b.op === 'icontains' && (a.op === 'contains' || a.op === 'icontains' || a.op === '==' || a.op === 'startswith' || a.op === 'endswith')) return sameCase(pa, pb, true);
    if (b.op === 'startswith' && (a.op === 'startswith' || a.op === '==')) return pa.startsWith(pb);
    if (b.op === 'endswith' && (a.op === 'endswith' || a.op === '==')) return pa.endsWith(pb);
  }
  return false;
}

/**
 * RULE_SHADOWED: a suppression rule that can never be the primary match, because every item
 * it matches is already matched by an earlier enabled rule of the same pass and scope.
 */
export function findShadowed(rules: readonly SuppressRule[], checker: Checker): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let j = 0; j < rules.length; j++) {
    const later = rules[j];
    if (!later.enabled) continue;
    for (let i = 0; i < j; i++) {
      const earlier = rules[i];
      if (!earlier.enabled || earlier.pass !== later.pass || earlier.scope !== later.scope) continue;
      const covers = earlier.sources === null || (later.sources !== null && later.sources.every((s) => earlier.sources!.includes(s)));
      if (!covers || !implies(later.when.ast, earlier.when.ast)) continue;
      out.push(
        checker.diag(later.when.site, later.when.ast.span, 'RULE_SHADOWED', 'warning',
          `suppress rule ${later.id} is shadowed by ${earlier.id} (${earlier.file}:${earlier.line}): everything it matches is matched earlier, so it is never the primary rule`,
          'remove it, make it more general, or move it before the other rule'),
      );
      checker.diagnostics.pop();
      break;
    }
  }
  return out;
}
