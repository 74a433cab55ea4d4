/**
 * JSON text read from a file someone may have edited or cut short: JSON.parse for the value,
 * and on failure the line and column of the first syntax error (JSON.parse messages carry no
 * reliable position), found by a small RFC 8259 scanner.
 */

export type JsonTextResult = {ok: true; value: unknown} | {ok: false; message: string; line: number; col: number};

class Scan {
  i = 0;
  constructor(readonly s: string) {}
  fail(what: string): never {
    throw new JsonSyntax(this.i, this.i >= this.s.length ? `unexpected end of input, expected ${what}` : `unexpected ${JSON.stringify(this.s[this.i])}, expected ${what}`);
  }
  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }
  lit(word: string): void {
    for (const c of word) {
      if (this.s[this.i] !== c) this.fail(JSON.stringify(word));
      this.i++;
    }
  }
  str(): void {
    this.i++;
    for (;;) {
      if (this.i >= this.s.length) this.fail('a closing quote');
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c < 0x20) this.fail('an escaped control character');
      if (c === 0x5c) {
        this.i++;
        const e = this.s[this.i];
        if (e === 'u') {
          this.i++;
          for (let k = 0; k < 4; k++, this.i++) if (!/[0-9a-fA-F]/.test(this.s[this.i] ?? '')) this.fail('a hex digit');
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) this.fail('an escape character');
      }
      this.i++;
    }
  }
  num(): void {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail('a value');
    this.i += m[0].length;
  }
  value(): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.obj();
    if (c === '[') return this.arr();
    if (c === '"') return this.str();
    if (c === 't') return this.lit('true');
    if (c === 'f') return this.lit('false');
    if (c === 'n') return this.lit('null');
    return this.num();
  }
  obj(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('a property name');
      this.str();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("':'");
      this.i++;
      this.value();
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return;
      }
      this.fail("',' or '}'");
    }
  }
  arr(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return;
      }
      this.fail("',' or ']'");
    }
  }
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** 1-based line and column (in UTF-16 code units) of an offset. */
function lineCol(text: string, offset: number): {line: number; col: number} {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return {line, col: offset - before.lastIndexOf('\n')};
}

/** Where the text stops being JSON: the offset and what was expected there. */
export function jsonSyntaxError(text: string): {offset: number; message: string} | null {
  const scan = new Scan(text);
  try {
    scan.value();
    scan.ws();
    if (scan.i < text.length) scan.fail('the end of input');
    return null;
  } catch (err) {
    if (err instanceof JsonSyntax) return {offset: err.offset, message: err.message};
    throw err;
  }
}

/** Parses JSON text; a failure names the line and column of the first syntax error. */
export function parseJsonText(text: string): JsonTextResult {
  try {
    return {ok: true, value: JSON.parse(text) as unknown};
  } catch (err) {
    const found = jsonSyntaxError(text) ?? {offset: 0, message: (err as Error).message};
    return {ok: false, message: found.message, ...lineCol(text, found.offset)};
  }
}
