import {CstParser, type CstNode, type IToken} from 'chevrotain';
import * as T from './lexer.js';

/**
 * The concrete-syntax parser. Precedence, loosest first:
 * `or` < `and` < `not` < comparisons < `??` < `+ -` < `* /` < unary `-` < `.field`.
 * Quantifiers (`any x in L: …`) and `if … then … else …` are primaries whose last part
 * extends as far right as possible; wrap them in parentheses to end them early.
 */
export class ExprParser extends CstParser {
  constructor() {
    super(T.allTokens, {recoveryEnabled: false, maxLookahead: 3, nodeLocationTracking: 'onlyOffset'});
    this.performSelfAnalysis();
  }

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.orExpr);
  });

  orExpr = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr, {LABEL: 'operands'});
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr, {LABEL: 'operands'});
    });
  });

  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, {LABEL: 'operands'});
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr, {LABEL: 'operands'});
    });
  });

  notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr);
        },
      },
      {ALT: () => this.SUBRULE(this.comparison)},
    ]);
  });

  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.coalesce, {LABEL: 'operands'});
    this.OPTION(() => {
      this.SUBRULE(this.compareOp);
      this.SUBRULE2(this.coalesce, {LABEL: 'operands'});
    });
  });

  compareOp = this.RULE('compareOp', () => {
    this.OR([
      {ALT: () => this.CONSUME(T.Eq)},
      {ALT: () => this.CONSUME(T.NotEq)},
      {ALT: () => this.CONSUME(T.Le)},
      {ALT: () => this.CONSUME(T.Ge)},
      {ALT: () => this.CONSUME(T.Lt)},
      {ALT: () => this.CONSUME(T.Gt)},
      {ALT: () => this.CONSUME(T.In)},
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.CONSUME2(T.In);
        },
      },
      {ALT: () => this.CONSUME(T.Contains)},
      {ALT: () => this.CONSUME(T.IContains)},
      {ALT: () => this.CONSUME(T.StartsWith)},
      {ALT: () => this.CONSUME(T.EndsWith)},
      {ALT: () => this.CONSUME(T.Matches)},
    ]);
  });

  coalesce = this.RULE('coalesce', () => {
    this.SUBRULE(this.additive, {LABEL: 'operands'});
    this.MANY(() => {
      this.CONSUME(T.Coalesce);
      this.SUBRULE2(this.additive, {LABEL: 'operands'});
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, {LABEL: 'operands'});
    this.MANY(() => {
      this.OR([{ALT: () => this.CONSUME(T.Plus, {LABEL: 'ops'})}, {ALT: () => this.CONSUME(T.Minus, {LABEL: 'ops'})}]);
      this.SUBRULE2(this.multiplicative, {LABEL: 'operands'});
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, {LABEL: 'operands'});
    this.MANY(() => {
      this.OR([{ALT: () => this.CONSUME(T.Star, {LABEL: 'ops'})}, {ALT: () => this.CONSUME(T.Slash, {LABEL: 'ops'})}]);
      this.SUBRULE2(this.unary, {LABEL: 'operands'});
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      {ALT: () => this.SUBRULE(this.postfix)},
    ]);
  });

  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.Identifier, {LABEL: 'fields'});
    });
  });

  primary = this.RULE('primary', () => {
    this.OR([
      {ALT: () => this.SUBRULE(this.literal)},
      {ALT: () => this.SUBRULE(this.listLiteral)},
      {ALT: () => this.SUBRULE(this.parenthesized)},
      {ALT: () => this.SUBRULE(this.quantifier)},
      {ALT: () => this.SUBRULE(this.conditional)},
      {ALT: () => this.SUBRULE(this.callOrName)},
    ]);
  });

  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  quantifier = this.RULE('quantifier', () => {
    this.OR([{ALT: () => this.CONSUME(T.Any, {LABEL: 'q'})}, {ALT: () => this.CONSUME(T.All, {LABEL: 'q'})}]);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    this.SUBRULE(this.additive);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  conditional = this.RULE('conditional', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression, {LABEL: 'cond'});
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expression, {LABEL: 'then'});
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expression, {LABEL: 'else'});
  });

  callOrName = this.RULE('callOrName', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(T.RParen);
    });
  });

  args = this.RULE('args', () => {
    this.SUBRULE(this.expression, {LABEL: 'first'});
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expression, {LABEL: 'body'});
    });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE3(this.expression, {LABEL: 'rest'});
    });
  });

  listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, {LABEL: 'items'});
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RBracket,
        DEF: () => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.expression, {LABEL: 'items'});
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  literal = this.RULE('literal', () => {
    this.OR([
      {ALT: () => this.CONSUME(T.StringLit)},
      {ALT: () => this.CONSUME(T.NumberLit)},
      {ALT: () => this.CONSUME(T.Duration)},
      {ALT: () => this.CONSUME(T.Regex)},
      {ALT: () => this.CONSUME(T.True)},
      {ALT: () => this.CONSUME(T.False)},
      {ALT: () => this.CONSUME(T.Null)},
    ]);
  });
}

/** One parser instance is reused: Chevrotain parsers are stateful but re-entrant per input. */
export const exprParser = new ExprParser();

export type {CstNode, IToken};
