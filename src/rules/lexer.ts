import {createToken, Lexer, type IToken, type TokenType} from 'chevrotain';

/**
 * Tokens of the expression language. Keywords are reserved words (they use `longer_alt` so
 * that `index` or `origin` still lex as identifiers).
 */
export const WhiteSpace = createToken({name: 'WhiteSpace', pattern: /[ \t\r\n\u00a0]+/, group: Lexer.SKIPPED});
export const Identifier = createToken({name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/});

function kw(name: string, word: string): TokenType {
  return createToken({name, pattern: new RegExp(word), longer_alt: Identifier});
}

export const Or = kw('Or', 'or');
export const And = kw('And', 'and');
export const Not = kw('Not', 'not');
export const In = kw('In', 'in');
export const IContains = kw('IContains', 'icontains');
export const Contains = kw('Contains', 'contains');
export const StartsWith = kw('StartsWith', 'startswith');
export const EndsWith = kw('EndsWith', 'endswith');
export const Matches = kw('Matches', 'matches');
export const Any = kw('Any', 'any');
export const All = kw('All', 'all');
export const If = kw('If', 'if');
export const Then = kw('Then', 'then');
export const Else = kw('Else', 'else');
export const True = kw('True', 'true');
export const False = kw('False', 'false');
export const Null = kw('Null', 'null');

/** A duration literal: digits and a unit, not followed by an identifier character. */
export const Duration = createToken({name: 'Duration', pattern: /\d+(?:s|m|h|d|w)(?![A-Za-z0-9_])/});
export const NumberLit = createToken({name: 'Number', pattern: /\d+(?:\.\d+)?(?![A-Za-z_])/});
export const StringLit = createToken({name: 'String', pattern: /"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\\\n]|\\[^\n])*'/});
/** Matched only when a string has no closing quote, so the parser can say exactly that. */
export const UnterminatedString = createToken({name: 'UnterminatedString', pattern: /"(?:[^"\\\n]|\\[^\n])*|'(?:[^'\\\n]|\\[^\n])*/});

/** Tokens after which a `/` is division, not the start of a regex literal. */
const VALUE_END = new Set(['Identifier', 'Number', 'Duration', 'String', 'RParen', 'RBracket', 'True', 'False', 'Null', 'Regex']);

/**
 * Regex literal `/body/flags`. A `/` starts a regex only where an operand may begin, which is
 * decided from the previous token (the same rule JavaScript lexers use).
 */
export const Regex = createToken({
  name: 'Regex',
  pattern: {
    exec: (text: string, offset: number, tokens: IToken[]): RegExpExecArray | null => {
      if (text[offset] !== '/') return null;
      const prev = tokens[tokens.length - 1];
      if (prev && VALUE_END.has(prev.tokenType.name)) return null;
      let i = offset + 1;
      let inClass = false;
      while (i < text.length) {
        const c = text[i];
        if (c === '\n') return null;
        if (c === '\\') {
          i += 2;
          continue;
        }
        if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        else if (c === '/' && !inClass) break;
        i++;
      }
      if (i >= text.length) return null;
      i++;
      while (i < text.length && /[a-z]/.test(text[i])) i++;
      const m = [text.slice(offset, i)] as unknown as RegExpExecArray;
      m.index = offset;
      m.input = text;
      return m;
    },
  },
  line_breaks: false,
  start_chars_hint: ['/'],
});

export const Eq = createToken({name: 'Eq', pattern: /==/});
export const NotEq = createToken({name: 'NotEq', pattern: /!=/});
export const Le = createToken({name: 'Le', pattern: /<=/});
export const Ge = createToken({name: 'Ge', pattern: />=/});
export const Lt = createToken({name: 'Lt', pattern: /</});
export const Gt = createToken({name: 'Gt', pattern: />/});
export const Coalesce = createToken({name: 'Coalesce', pattern: /\?\?/});
export const Plus = createToken({name: 'Plus', pattern: /\+/});
export const Minus = createToken({name: 'Minus', pattern: /-/});
export const Star = createToken({name: 'Star', pattern: /\*/});
export const Slash = createToken({name: 'Slash', pattern: /\//});
export const LParen = createToken({name: 'LParen', pattern: /\(/});
export const RParen = createToken({name: 'RParen', pattern: /\)/});
export const LBracket = createToken({name: 'LBracket', pattern: /\[/});
export const RBracket = createToken({name: 'RBracket', pattern: /\]/});
export const Comma = createToken({name: 'Comma', pattern: /,/});
export const Dot = createToken({name: 'Dot', pattern: /\./});
export const Colon = createToken({name: 'Colon', pattern: /:/});

/** Literal text of fixed tokens, so the EBNF and parse errors show `"or"` or `")"` rather than `Or` or `RParen`. */
export const TOKEN_TEXT: Record<string, string> = {
  Or: 'or', And: 'and', Not: 'not', In: 'in', IContains: 'icontains', Contains: 'contains', StartsWith: 'startswith',
  EndsWith: 'endswith', Matches: 'matches', Any: 'any', All: 'all', If: 'if', Then: 'then', Else: 'else', True: 'true',
  False: 'false', Null: 'null', Eq: '==', NotEq: '!=', Le: '<=', Ge: '>=', Lt: '<', Gt: '>', Coalesce: '??', Plus: '+',
  Minus: '-', Star: '*', Slash: '/', LParen: '(', RParen: ')', LBracket: '[', RBracket: ']', Comma: ',', Dot: '.', Colon: ':',
};

export const allTokens: TokenType[] = [
  WhiteSpace,
  Duration,
  NumberLit,
  StringLit,
  UnterminatedString,
  Regex,
  Eq,
  NotEq,
  Le,
  Ge,
  Lt,
  Gt,
  Coalesce,
  Plus,
  Minus,
  Star,
  Slash,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Colon,
  Or,
  And,
  Not,
  IContains,
  Contains,
  In,
  StartsWith,
  EndsWith,
  Matches,
  Any,
  All,
  If,
  Then,
  Else,
  True,
  False,
  Null,
  Identifier,
];

export const ExprLexer = new Lexer(allTokens, {positionTracking: 'onlyOffset', ensureOptimizations: false});

/** Reserved words: a field or list name may not be one of these. */
export const KEYWORDS = new Set([
  'or', 'and', 'not', 'in', 'contains', 'icontains', 'startswith', 'endswith', 'matches',
  'any', 'all', 'if', 'then', 'else', 'true', 'false', 'null',
]);
