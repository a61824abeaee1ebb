/**
 * The character-level reader under the .proto parser, behaving as Wire's SyntaxReader does (what it accepts, and how
 * it reads strings, words and numbers), so that the registry accepts and refuses the schemas Confluent's does.
 */

export class ProtoSyntaxError extends Error {
  override name = 'ProtoSyntaxError';
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    // Wire names the location ":line:column" for a file read from a string, as Confluent's registry reads schemas.
    super(`Syntax error in :${line}:${column}: ${detail}`);
  }
}

const WORD_CHAR = /[A-Za-z0-9_.-]/;
const DIGIT = /[0-9]/;

export class SyntaxReader {
  private pos = 0;
  private line = 0;
  private lineStart = 0;

  constructor(private readonly data: string) {}

  exhausted(): boolean {
    return this.pos === this.data.length;
  }

  readChar(): string {
    const c = this.peekChar();
    this.pos++;
    return c;
  }

  require(c: string): void {
    const read = this.readChar();
    this.expect(read === c, `expected '${c}' but was '${read}'`);
  }

  /** The next character that is neither whitespace nor inside a comment, not consumed. */
  peekChar(): string {
    this.skipWhitespace(true);
    this.expect(this.pos < this.data.length, 'unexpected end of file');
    return this.data[this.pos];
  }

  /** Consumes the next character when it is `c`. */
  peekCharIs(c: string): boolean {
    if (this.peekChar() !== c) return false;
    this.pos++;
    return true;
  }

  pushBack(c: string): void {
    if (this.data[this.pos - 1] !== c) throw this.unexpected(`cannot push back '${c}'`);
    this.pos--;
  }

  readString(): string {
    const c = this.peekChar();
    return c === '"' || c === "'" ? this.readQuotedString() : this.readWord();
  }

  readQuotedString(): string {
    let quote = this.readChar();
    if (quote !== '"' && quote !== "'") throw this.unexpected('expected a quoted string');
    let result = '';
    while (this.pos < this.data.length) {
      let c = this.data[this.pos++];
      if (c === quote) {
        // Adjacent strings are one string, as in C.
        const next = this.peekChar();
        if (next === '"' || next === "'") {
          quote = this.readChar();
          continue;
        }
        return result;
      }
      if (c === '\\') {
        this.expect(this.pos < this.data.length, 'unexpected end of file');
        c = this.readEscape();
      }
      result += c;
      if (c === '\n') this.newline();
    }
    throw this.unexpected('unterminated string');
  }

  private readEscape(): string {
    const c = this.data[this.pos++];
    switch (c) {
      case 'a':
        return '\u0007';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
      case 'X':
        return this.readNumericEscape(16, 2);
      default:
        if (c >= '0' && c <= '7') {
          this.pos--;
          return this.readNumericEscape(8, 3);
        }
        // Wire keeps the character after an unknown escape and drops the backslash.
        return c;
    }
  }

  private readNumericEscape(radix: number, length: number): string {
    let value = -1;
    const end = Math.min(this.pos + length, this.data.length);
    while (this.pos < end) {
      const digit = parseInt(this.data[this.pos], 16);
      if (Number.isNaN(digit) || digit >= radix) break;
      value = value < 0 ? digit : value * radix + digit;
      this.pos++;
    }
    this.expect(value >= 0, 'expected a digit after \\x or \\X');
    return String.fromCharCode(value);
  }

  /** A word, or one wrapped in parentheses or brackets (the wrapping dropped unless `retainWrap`). */
  readName(allowLeadingDigit = true, retainWrap = false): string {
    const open = this.peekChar();
    const close = open === '(' ? ')' : open === '[' ? ']' : null;
    if (close === null) return this.readWord(allowLeadingDigit);
    this.pos++;
    const word = this.readWord(allowLeadingDigit);
    this.expect(this.readChar() === close, `expected '${close}'`);
    return retainWrap ? `${open}${word}${close}` : word;
  }

  readDataType(name: string = this.readWord()): string {
    if (name !== 'map') return name;
    this.expect(this.readChar() === '<', "expected '<'");
    const key = this.readDataType();
    this.expect(this.readChar() === ',', "expected ','");
    const value = this.readDataType();
    this.expect(this.readChar() === '>', "expected '>'");
    return `map<${key}, ${value}>`;
  }

  readWord(allowLeadingDigit = true): string {
    this.skipWhitespace(true);
    const start = this.pos;
    while (this.pos < this.data.length && WORD_CHAR.test(this.data[this.pos])) this.pos++;
    this.expect(start < this.pos, 'expected a word');
    if (!allowLeadingDigit) {
      this.expect(!DIGIT.test(this.data[start]), 'field and constant names cannot start with a digit');
    }
    return this.data.substring(start, this.pos);
  }

  readInt(): number {
    const word = this.readWord();
    const hex = /^0[xX]([0-9a-fA-F]+)$/.exec(word);
    // Like Kotlin's String.toInt: decimal unless 0x, so a leading zero is not octal.
    const valid = hex !== null || /^[+-]?[0-9]+$/.test(word);
    const value = hex !== null ? parseInt(hex[1], 16) : Number(word);
    if (!valid || !Number.isSafeInteger(value) || value > 2_147_483_647 || value < -2_147_483_648) {
      throw this.unexpected(`expected an integer but was ${word}`);
    }
    return value;
  }

  /** Skips whitespace and comments before a declaration (Wire keeps them as documentation; the registry drops it). */
  skipDocumentation(): void {
    for (;;) {
      this.skipWhitespace(false);
      if (this.pos === this.data.length || this.data[this.pos] !== '/') return;
      this.readComment();
    }
  }

  private readComment(): void {
    this.pos++;
    const kind = this.pos < this.data.length ? this.data[this.pos++] : '';
    if (kind === '*') {
      while (this.pos + 1 < this.data.length) {
        if (this.data[this.pos] === '*' && this.data[this.pos + 1] === '/') {
          this.pos += 2;
          return;
        }
        if (this.data[this.pos] === '\n') {
          this.pos++;
          this.newline();
        } else {
          this.pos++;
        }
      }
      throw this.unexpected('unterminated comment');
    }
    if (kind !== '/') throw this.unexpected("unexpected '/'");
    while (this.pos < this.data.length) {
      if (this.data[this.pos++] === '\n') {
        this.newline();
        return;
      }
    }
  }

  /**
   * Consumes a comment on the rest of the line after a declaration. Wire reads it as the declaration's documentation;
   * what matters here is what it refuses: a lone '/', or code after a trailing block comment.
   */
  skipTrailingDocumentation(): void {
    for (;;) {
      if (this.pos >= this.data.length) return;
      const c = this.data[this.pos];
      if (c === ' ' || c === '\t') {
        this.pos++;
      } else if (c === '/') {
        this.pos++;
        break;
      } else {
        return;
      }
    }
    if (this.pos >= this.data.length || (this.data[this.pos] !== '/' && this.data[this.pos] !== '*')) {
      this.pos--;
      throw this.unexpected("expected '//' or '/*'");
    }
    if (this.data[this.pos++] === '*') {
      this.skipTrailingBlockComment();
    } else {
      this.skipToEndOfLine();
    }
  }

  private skipTrailingBlockComment(): void {
    for (;;) {
      this.expect(this.pos < this.data.length, 'trailing comment must be closed');
      if (this.data[this.pos] === '*' && this.data[this.pos + 1] === '/') {
        this.pos += 2;
        break;
      }
      this.pos++;
    }
    while (this.pos < this.data.length) {
      const c = this.data[this.pos++];
      if (c === '\n') {
        this.newline();
        return;
      }
      this.expect(c === ' ' || c === '\t', 'no syntax may follow trailing comment');
    }
  }

  private skipToEndOfLine(): void {
    while (this.pos < this.data.length) {
      if (this.data[this.pos++] === '\n') {
        this.newline();
        return;
      }
    }
  }

  private skipWhitespace(skipComments: boolean): void {
    while (this.pos < this.data.length) {
      const c = this.data[this.pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        this.pos++;
        if (c === '\n') this.newline();
      } else if (skipComments && c === '/') {
        this.readComment();
      } else {
        return;
      }
    }
  }

  private newline(): void {
    this.line++;
    this.lineStart = this.pos;
  }

  expect(condition: boolean, message: string): void {
    if (!condition) throw this.unexpected(message);
  }

  unexpected(message: string): ProtoSyntaxError {
    return new ProtoSyntaxError(message, this.line + 1, this.pos - this.lineStart + 1);
  }
}
