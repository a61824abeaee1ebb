/**
 * JSON read the way Confluent's registry keeps it in a Jackson tree, for the schema languages whose stored text is that
 * tree printed back: object keys in the order written (a repeated key keeps its first position and its last value, as
 * Jackson's ObjectNode does), and every number's own source text, which JSON.parse would lose (`1.0`, integers beyond
 * 2^53). What a number becomes, and how it is printed again, is each language's own (Java Avro's `Double.toString`,
 * Jackson's BigDecimal); so are the finer points of the syntax and the wording of errors, which a JsonDialect gives.
 */

/** A JSON value in a tree whose number nodes are `N`. */
export type OrderedJson<N extends { readonly kind: string }> =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly OrderedJson<N>[] }
  | JsonObject<N>
  | N;

export interface JsonObject<N extends { readonly kind: string }> {
  readonly kind: 'object';
  /** Insertion order; a repeated key keeps its first place and its last value. */
  readonly members: ReadonlyMap<string, OrderedJson<N>>;
}

/** How one reader of JSON differs from another. */
export interface JsonDialect<N extends { readonly kind: string }> {
  /** `//` and `/* *\/` comments count as whitespace (Jackson's ALLOW_COMMENTS). */
  readonly comments: boolean;
  /** A U+FEFF that starts the text is skipped. */
  readonly byteOrderMark: boolean;
  /**
   * What counts against the nesting limit of 1000, checked where a value starts: 'enclosing', the objects and arrays
   * around the value; 'opening', those and the object or array the value opens (Jackson's count, so the 1001st nested
   * container is refused even when empty).
   */
  readonly depth: 'enclosing' | 'opening';
  /**
   * 'prefix': a value that is not a string, number, object or array is `true`, `false` or `null` if the text goes on
   * with one (what follows it is the next token); 'word': the whole run of letters, digits and `_` there must be one.
   */
  readonly literals: 'prefix' | 'word';
  /** The characters that may not directly follow a number. */
  readonly refusedAfterNumber: RegExp;
  /** The most characters one number may have. */
  readonly maxNumberLength: number;
  /** Where an unrecognized escape is reported: at its backslash, or after the character that follows it. */
  readonly badEscapeAt: 'backslash' | 'after';
  readonly messages: JsonMessages;
  /** The node for a number, from its text and whether it is an integer (it has neither fraction nor exponent). */
  number(source: string, integer: boolean): N;
  /** The error to throw for a message, which already ends with `at line L, column C`. */
  error(message: string): Error;
}

/** The reasons a dialect gives for the errors it words its own way. */
interface JsonMessages {
  /** None of `tokens` is where one must be: `:` after a property name, or `,` and the closing bracket after an item. */
  expected(tokens: readonly string[], atEnd: boolean): string;
  /** A value starts with something that cannot start one: its first character, or with 'word' literals the word. */
  unexpected(token: string): string;
  readonly propertyName: string;
  readonly controlCharacter: string;
  readonly badEscape: string;
  readonly badUnicodeEscape: string;
  readonly badNumber: string;
}

/** Jackson's default nesting limit (StreamReadConstraints): deeper documents are refused rather than overflow the stack. */
const MAX_DEPTH = 1000;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const WORD = /[A-Za-z0-9_]+/y;
const LITERAL_WORDS = ['true', 'false', 'null'];
const SIMPLE_UNESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Reads one JSON document: a value with only whitespace (and comments, where the dialect allows them) around it. */
export function readJson<N extends { readonly kind: string }>(text: string, dialect: JsonDialect<N>): OrderedJson<N> {
  const reader = new Reader(text, dialect);
  reader.skipSpace();
  const node = reader.value(0);
  reader.skipSpace();
  if (!reader.atEnd()) reader.fail('unexpected content after the JSON value');
  return node;
}

/** Reads the first JSON value of a text, as ObjectMapper.readTree on a parser does: what follows it is not looked at. */
export function readFirstJsonValue<N extends { readonly kind: string }>(text: string, dialect: JsonDialect<N>): OrderedJson<N> | undefined {
  const reader = new Reader(text, dialect);
  reader.skipSpace();
  return reader.atEnd() ? undefined : reader.value(0);
}

class Reader<N extends { readonly kind: string }> {
  private pos = 0;
  private readonly messages: JsonMessages;

  constructor(
    private readonly text: string,
    private readonly dialect: JsonDialect<N>,
  ) {
    this.messages = dialect.messages;
    if (dialect.byteOrderMark && text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(reason: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw this.dialect.error(`${reason} at line ${line}, column ${column}`);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '/' && this.dialect.comments && this.text[this.pos + 1] === '/') this.skipLineComment();
      else if (c === '/' && this.dialect.comments && this.text[this.pos + 1] === '*') this.skipBlockComment();
      else return;
    }
  }

  private skipLineComment(): void {
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end < 0 ? this.text.length : end + 1;
  }

  private skipBlockComment(): void {
    const end = this.text.indexOf('*/', this.pos + 2);
    if (end < 0) this.fail('unterminated comment');
    this.pos = end + 2;
  }

  /** The value that starts here, inside `depth` objects and arrays. */
  value(depth: number): OrderedJson<N> {
    const c = this.text[this.pos];
    const opens = c === '{' || c === '[';
    if (depth + (opens && this.dialect.depth === 'opening' ? 1 : 0) > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    if (c === undefined) this.fail('unexpected end of input');
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string() };
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    return this.literal();
  }

  private object(depth: number): OrderedJson<N> {
    const members = new Map<string, OrderedJson<N>>();
    if (this.opensEmpty('}')) return { kind: 'object', members };
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail(this.messages.propertyName);
      const key = this.string();
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      members.set(key, this.value(depth + 1));
      if (this.closes('}')) return { kind: 'object', members };
    }
  }

  private array(depth: number): OrderedJson<N> {
    const items: OrderedJson<N>[] = [];
    if (this.opensEmpty(']')) return { kind: 'array', items };
    for (;;) {
      items.push(this.value(depth + 1));
      if (this.closes(']')) return { kind: 'array', items };
    }
  }

  /** Past the opening bracket and the space after it, and past `close` too (true) if it follows at once. */
  private opensEmpty(close: string): boolean {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  /** After an item: past the closing bracket (true), or past a comma and the space after it (false). */
  private closes(close: string): boolean {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === close) {
      this.pos++;
      return true;
    }
    if (c !== ',') this.fail(this.messages.expected([',', close], this.atEnd()));
    this.pos++;
    this.skipSpace();
    return false;
  }

  private expect(token: string): void {
    if (this.text[this.pos] !== token) this.fail(this.messages.expected([token], this.atEnd()));
    this.pos++;
  }

  private string(): string {
    let out = '';
    let start = ++this.pos;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail('unterminated string');
      if (code === 0x22) break;
      if (code < 0x20) this.fail(this.messages.controlCharacter);
      if (code === 0x5c) {
        out += this.text.slice(start, this.pos) + this.escape();
        start = this.pos;
      } else this.pos++;
    }
    out += this.text.slice(start, this.pos);
    this.pos++;
    return out;
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    const simple = SIMPLE_UNESCAPES[c ?? ''];
    if (simple !== undefined) return simple;
    if (c !== 'u') {
      if (this.dialect.badEscapeAt === 'backslash') this.pos -= 2;
      this.fail(this.messages.badEscape);
    }
    const hex = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(this.messages.badUnicodeEscape);
    this.pos += 4;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private number(): N {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail(this.messages.badNumber);
    const source = match[0];
    const next = this.text[this.pos + source.length];
    if (next !== undefined && this.dialect.refusedAfterNumber.test(next)) this.fail(this.messages.badNumber);
    if (source.length > this.dialect.maxNumberLength) this.fail('number too long');
    this.pos += source.length;
    return this.dialect.number(source, match[2] === undefined && match[3] === undefined);
  }

  private literal(): OrderedJson<N> {
    WORD.lastIndex = this.pos;
    const word = this.dialect.literals === 'word' ? WORD.exec(this.text)?.[0] : LITERAL_WORDS.find((w) => this.text.startsWith(w, this.pos));
    const node = word === undefined ? undefined : literalNode(word);
    if (node === undefined || word === undefined) this.fail(this.messages.unexpected(word ?? this.text[this.pos]));
    this.pos += word.length;
    return node;
  }
}

/** A new node each time: a tree's nodes are told apart by identity (the JSON Schema model maps them). */
function literalNode(word: string): { readonly kind: 'boolean'; readonly value: boolean } | { readonly kind: 'null' } | undefined {
  if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
  return word === 'null' ? { kind: 'null' } : undefined;
}

/** Jackson's escapes: the short ones it has, \u00XX (upper-case hex) for other control characters, nothing else. */
const SHORT_ESCAPES: Readonly<Record<number, string>> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/** A string as Jackson writes it: only what JSON requires is escaped; non-ASCII text and `/` are written as they are. */
export function jsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0x20 && code !== 0x22 && code !== 0x5c) continue;
    out += s.slice(start, i) + (SHORT_ESCAPES[code] ?? `\\u00${code.toString(16).toUpperCase().padStart(2, '0')}`);
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}
