/**
 * A JSON parser that keeps every number as its source text. The upstream sends amounts as decimal
 * numbers (`1.2`); JSON.parse would turn them into doubles before we could read them exactly, and
 * Node 20's JSON.parse has no source-text access. Strings, objects and arrays are parsed as usual.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { [key: string]: ExactJson };

/** Depth bound: the upstream format is three levels deep; anything far deeper is not it. */
const NESTING_DEPTH_MAX = 32;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

export class ExactJsonError extends Error {}

export function parseExactJson(text: string): ExactJson {
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.skip();
  if (parser.at < text.length) throw parser.fail('unexpected text after the value');
  return value;
}

class Parser {
  at = 0;
  constructor(private readonly text: string) {}

  fail(what: string): ExactJsonError {
    return new ExactJsonError(`invalid JSON at offset ${this.at}: ${what}`);
  }

  skip(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  value(depth: number): ExactJson {
    if (depth > NESTING_DEPTH_MAX) throw this.fail('nested too deeply');
    this.skip();
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (!m) throw this.fail('expected a value');
    this.at = NUMBER.lastIndex;
    return new JsonNumber(m[0]);
  }

  private object(depth: number): { [key: string]: ExactJson } {
    this.at++;
    const out: { [key: string]: ExactJson } = Object.create(null);
    this.skip();
    if (this.text[this.at] === '}') return (this.at++, out);
    for (;;) {
      this.skip();
      if (this.text[this.at] !== '"') throw this.fail('expected a key');
      const key = this.string();
      this.skip();
      if (this.text[this.at++] !== ':') throw this.fail('expected ":"');
      out[key] = this.value(depth + 1);
      this.skip();
      const c = this.text[this.at++];
      if (c === '}') return out;
      if (c !== ',') throw this.fail('expected "," or "}"');
    }
  }

  private array(depth: number): ExactJson[] {
    this.at++;
    const out: ExactJson[] = [];
    this.skip();
    if (this.text[this.at] === ']') return (this.at++, out);
    for (;;) {
      out.push(this.value(depth + 1));
      this.skip();
      const c = this.text[this.at++];
      if (c === ']') return out;
      if (c !== ',') throw this.fail('expected "," or "]"');
    }
  }

  /** A JSON string: found by its closing quote, decoded by JSON.parse (which is exact for strings). */
  private string(): string {
    const start = this.at++;
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) throw this.fail('unterminated string');
      if (c === '\\') this.at++;
      else if (c === '"') break;
    }
    try {
      return JSON.parse(this.text.slice(start, this.at)) as string;
    } catch {
      throw this.fail('invalid string');
    }
  }
}

/** Back to JSON text, numbers exactly as they came (for the quarantine's record of a bad item). */
export function exactJsonText(value: ExactJson): string {
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(exactJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${exactJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
