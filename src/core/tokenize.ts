// The tokenizer for AWS's space-separated text logs (ALB, S3 server access,
// and any later type in the same style): fields separated by blanks, some of
// them in double quotes because they may hold spaces (`"GET /a b HTTP/1.1"`).
//
// One pass over the line with indexOf/charCodeAt; no regex, no backtracking.
// Values are slices of the line (cheap in V8), stored in arrays that are
// reused from line to line, so a parser holds one instance per input.
//
// Rules, chosen to lose nothing and to survive hostile input:
// - Separators are runs of spaces and tabs (AWS writes single spaces; a file
//   that went through an editor may not).
// - A field that starts with `"` is quoted; its value is what lies between
//   the quotes, kept literally (AWS writes a `"` inside a value as `\x22`,
//   and that stays four characters).
// - The closing quote is the first `"` that is followed by a blank or the end
//   of the line and is not backslash-escaped (`\"`; a parser whose format
//   escapes quotes otherwise turns this off). A `"` inside a value that
//   is followed by anything else is part of the value.
// - An opening quote that is never closed makes the rest of the line one
//   field, and `unterminated` says which: the parser decides whether that is
//   an error (a known field) or data (a trailing extra token).
// - `-` and `"-"` both come back as `-`; absence is the parser's call. An
//   empty quoted field `""` comes back as the empty string.

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** True when the `"` at `q` is preceded by an odd number of backslashes (after `from`). */
function isEscaped(line: string, q: number, from: number): boolean {
  let n = 0;
  for (let i = q - 1; i >= from && line.charCodeAt(i) === BACKSLASH; i--) n++;
  return (n & 1) === 1;
}

/**
 * The fields of one line, by index. `split` refills the same arrays, so keep
 * one instance per parser and read what you need before the next `split`.
 */
export class QuotedFields {
  /** The line last split. */
  line = '';
  /** Number of fields in `line`. Entries of the arrays past `count` are stale. */
  count = 0;
  /** Field values (quoted fields without their quotes). */
  readonly values: string[] = [];
  /** Offset of each field's first character (its opening quote when quoted). */
  readonly starts: number[] = [];
  /** Offset just past each field's last character (past its closing quote). */
  readonly ends: number[] = [];
  /** Index of the field whose opening quote is never closed (always the last), or -1. */
  unterminated = -1;

  /**
   * @param backslashEscapes whether `\"` inside a quoted field is an escaped
   *   quote (the default). A format whose writer escapes a quote some other
   *   way (ALB writes `\x22`) passes false: there `\"` is a value that ends
   *   in a backslash, closed by its quote.
   */
  constructor(private readonly backslashEscapes = true) {}

  split(line: string): this {
    const values = this.values;
    const starts = this.starts;
    const ends = this.ends;
    const len = line.length;
    let n = 0;
    let i = 0;
    this.unterminated = -1;
    // Without tabs, an unquoted field ends at the next space, which indexOf
    // finds several times faster than a charCodeAt loop.
    const spacesOnly = line.indexOf('\t') < 0;
    for (;;) {
      while (i < len && isBlank(line.charCodeAt(i))) i++;
      if (i >= len) break;
      const start = i;
      if (line.charCodeAt(i) === QUOTE) {
        const from = i + 1;
        let q = line.indexOf('"', from);
        while (q >= 0) {
          if ((q + 1 === len || isBlank(line.charCodeAt(q + 1))) && !(this.backslashEscapes && isEscaped(line, q, from))) break;
          q = line.indexOf('"', q + 1);
        }
        if (q < 0) {
          values[n] = line.slice(from);
          this.unterminated = n;
          i = len;
        } else {
          values[n] = line.slice(from, q);
          i = q + 1;
        }
      } else if (spacesOnly) {
        const space = line.indexOf(' ', i);
        i = space < 0 ? len : space;
        values[n] = line.slice(start, i);
      } else {
        while (i < len && !isBlank(line.charCodeAt(i))) i++;
        values[n] = line.slice(start, i);
      }
      starts[n] = start;
      ends[n] = i;
      n++;
    }
    this.line = line;
    this.count = n;
    return this;
  }

  /** True when field `i` was written in double quotes. */
  quoted(i: number): boolean {
    return this.line.charCodeAt(this.starts[i]!) === QUOTE;
  }

  /** The field as written, quotes included. */
  raw(i: number): string {
    return this.line.slice(this.starts[i]!, this.ends[i]!);
  }

  /**
   * Fields `from`…end as a new array, for trailing tokens a parser does not
   * know. An unterminated field is given as written (with its opening quote),
   * since it was not a well-formed quoted value.
   */
  rest(from: number): string[] {
    const out = this.values.slice(from, this.count);
    if (this.unterminated >= from) out[this.unterminated - from] = this.raw(this.unterminated);
    return out;
  }
}

/**
 * The error for a line whose quote is never closed, naming the field it fell
 * in by position and where the quote opened (1-based character).
 */
export function unterminatedMessage(fields: QuotedFields, fieldName: string): string {
  const at = fields.starts[fields.unterminated]! + 1;
  return `the line ends inside a quoted field: the quote opened at character ${at} (field ${fieldName} by position) is never closed`;
}

/** Convenience form: the field values of one line as a fresh array (an unterminated field is its text after the quote). */
export function splitQuotedFields(line: string): string[] {
  const fields = new QuotedFields().split(line);
  return fields.values.slice(0, fields.count);
}
