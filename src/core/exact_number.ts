// Numbers in JSON keep their value (issue 13, item 8). JSON.parse turns
// every number into a double: 9007199254740993 becomes …992, 1e400 becomes
// Infinity (written `null`), 1e-400 becomes 0, and a decimal with more than
// 15–17 significant digits is rounded. For an incident responder that is a
// silently wrong field, so a number whose value a double cannot hold is kept
// as its exact text (an ExactNumber) and written back byte for byte.
//
// Only documents that hold such a number pay for it: `parseJsonExact` runs
// JSON.parse unless a cheap, conservative scan of the text finds a
// candidate, and only then parses with lossless-json (josdejong), asking it
// for a plain number wherever a double is exact. The JSON framer, which
// visits every character outside strings anyway, notes whether a record
// holds a number that is long or has an exponent; for a record it vouches
// for (`shortNumbersOnly`), even that scan is skipped.
//
// Which numbers keep their text: those whose double, written the way
// JSON.stringify writes it, is a different decimal value (unsafe integers,
// overflow to ±Infinity, underflow to 0, digits a double cannot round-trip).
// Every other number may be re-written in JSON.stringify's form, which is the
// same value: `1.0` → `1`, `1E2` → `100`, `-0` → `0`, `1e21` → `1e+21`.
import { createRequire } from 'node:module';
import type * as LosslessJson from 'lossless-json';
import { quoteValue } from './errors.js';
import { MAX_JSON_DEPTH } from './limits.js';

/**
 * lossless-json, loaded on first use (its CommonJS build, synchronously):
 * most runs never meet such a number and need not pay for loading it.
 */
let losslessJson: typeof LosslessJson | undefined;
function lossless(): typeof LosslessJson {
  losslessJson ??= createRequire(import.meta.url)('lossless-json') as typeof LosslessJson;
  return losslessJson;
}

/**
 * The grammar of a JSON number (RFC 8259 §6). No nested quantifiers that
 * overlap, so it runs in linear time on any input.
 */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const EXACT_NUMBER_BRAND = Symbol('ExactNumber');

/** Thrown by ExactNumber#toJSON: JSON.stringify cannot write it (see there). */
export class ExactNumberStringifyError extends Error {
  constructor() {
    super('JSON.stringify cannot write an exact number without losing digits; use an encoder that writes ExactNumber#text');
    this.name = 'ExactNumberStringifyError';
  }
}

/**
 * A JSON number whose value a double cannot hold, as its exact text
 * (`9007199254740993`, `1e400`, `0.10000000000000000001`). Only the JSON
 * parser makes these, from number tokens, and the constructor checks the
 * grammar again: text from a JSON string can never become one, so nothing
 * in the input can reach the output unquoted.
 *
 * Its properties are own and enumerable because lossless-json compares the
 * values of duplicate keys by their enumerable keys (keeping the first when
 * they compare equal, where JSON.parse keeps the last): `text` tells two
 * numbers apart, and `brand` holds a symbol, which no parsed value is, so a
 * parsed `{"text":"1e400"}` never equals the number 1e400. Code that walks
 * records must treat an ExactNumber as a number, not as an object.
 */
export class ExactNumber {
  readonly text: string;
  readonly brand: symbol = EXACT_NUMBER_BRAND;

  /** @throws TypeError when `text` is not a JSON number. */
  constructor(text: string) {
    if (!JSON_NUMBER.test(text)) throw new TypeError(`not a JSON number: ${JSON.stringify(text.slice(0, 40))}`);
    this.text = text;
  }

  /**
   * JSON.stringify would write a lossy double here, and Node 20 has no
   * JSON.rawJSON to write the text: fail loudly instead (the output encoder
   * catches this and writes the record with `text` itself).
   * @throws ExactNumberStringifyError always
   */
  toJSON(): never {
    throw new ExactNumberStringifyError();
  }

  toString(): string {
    return this.text;
  }
}

export function isExactNumber(value: unknown): value is ExactNumber {
  return value instanceof ExactNumber;
}

/**
 * A JSON number's text as `[-]digits e exponent` with no leading or trailing
 * zeros in the digits (zero, of any sign, is `0`), so that two texts of the
 * same decimal value compare equal. `text` must be a JSON number.
 */
function canonicalDecimal(text: string): string {
  const negative = text.charCodeAt(0) === 45;
  const start = negative ? 1 : 0;
  let end = text.length;
  let exponent = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101 || c === 69) {
      end = i;
      // Exact for every exponent that can matter: callers only compare texts
      // whose value is a finite, non-zero double, and those exponents are far
      // below 2^53 (see doubleChangesValue).
      exponent = Number(text.slice(i + 1));
      break;
    }
  }
  const dot = text.indexOf('.', start);
  let digits: string;
  if (dot >= 0 && dot < end) {
    digits = text.slice(start, dot) + text.slice(dot + 1, end);
    exponent -= end - dot - 1;
  } else {
    digits = text.slice(start, end);
  }
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === 48) first++;
  if (first === digits.length) return '0';
  let last = digits.length;
  while (digits.charCodeAt(last - 1) === 48) last--;
  exponent += digits.length - last;
  return `${negative ? '-' : ''}${digits.slice(first, last)}e${exponent}`;
}

/**
 * Whether JSON.parse would change this number's value: true for unsafe
 * integers (9007199254740993), values that overflow to ±Infinity (1e400) or
 * underflow to 0 (1e-400), and decimals whose digits a double cannot hold
 * (0.10000000000000000001). False when the double, written as
 * JSON.stringify writes it, is the same decimal value (`1.0`, `1e5`, `-0`).
 * `text` must be a JSON number.
 */
export function doubleChangesValue(text: string): boolean {
  const n = Number(text);
  if (!Number.isFinite(n)) return true;
  // A finite double's text is the shortest that reads back as the same
  // double; it is the same value as the input exactly when nothing was lost.
  return canonicalDecimal(text) !== canonicalDecimal(String(n));
}

/**
 * Where a number a double may not hold can start: a value position (after
 * `:`, `,` or `[` and JSON white space), an optional minus, then sixteen or
 * more digits and dots, or digits and dots up to an exponent. Numbers with at
 * most 15 digits and no exponent are exact in a double (DBL_DIG = 15: such a
 * decimal reads back from its double unchanged), so every number that needs
 * its text kept matches. Matches inside strings (`"x:1e5"`, IPv6 `:3e1e`) are
 * possible and are sorted out by checking the token itself. Each alternative
 * is bounded or stops at the first character outside its class: linear time.
 */
const CANDIDATE = /[:,[][ \t\n\r]*-?[0-9](?:[0-9.]{15}|[0-9.]*[eE])/g;

/**
 * A number token with fewer digits and dots than this, and no exponent, is
 * exact in a double (at most 15 significant digits: DBL_DIG). CANDIDATE
 * above and the JSON framer's note (`shortNumbersOnly`) both rest on it.
 */
export const SHORT_NUMBER_CHARS = 16;

function isNumberChar(c: number): boolean {
  // 0-9 . e E + -
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

/**
 * Whether JSON text may hold a number whose value JSON.parse would change
 * (conservative: false only when it certainly holds none). Costs about one
 * nanosecond a character (a regular expression scan); the rare match is
 * checked as a token.
 */
export function mayHoldInexactNumber(text: string): boolean {
  CANDIDATE.lastIndex = 0;
  for (let match = CANDIDATE.exec(text); match !== null; match = CANDIDATE.exec(text)) {
    // The token: from the minus or first digit to the first character that
    // cannot be part of a number. For a number outside a string this is the
    // whole number (one is always followed by white space, `,`, `]` or `}`).
    let start = match.index + 1;
    while (!isNumberChar(text.charCodeAt(start))) start++;
    let end = start;
    while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
    const token = text.slice(start, end);
    // Text that is not a number token lies inside a string: not a number.
    if (JSON_NUMBER.test(token) && doubleChangesValue(token)) return true;
    CANDIDATE.lastIndex = end;
  }
  return false;
}

/**
 * lossless-json's number callback: a plain number where a double is exact,
 * an ExactNumber otherwise. Up to 15 characters without an exponent means at
 * most 15 digits: exact, without the check.
 */
function parseNumberToken(token: string): number | ExactNumber {
  if (token.length <= 15 && token.indexOf('e') < 0 && token.indexOf('E') < 0) return Number(token);
  return doubleChangesValue(token) ? new ExactNumber(token) : Number(token);
}

/** JSON.parse keeps the last of duplicate keys; lossless-json throws by default. */
function keepLastDuplicate(info: { newValue: unknown }): unknown {
  return info.newValue;
}

/** Thrown by parseJsonExact for text nested deeper than MAX_JSON_DEPTH on the exact path. */
export class JsonTooDeepError extends Error {
  constructor() {
    super(`JSON nested deeper than ${MAX_JSON_DEPTH} levels (the limit); not parsed`);
    this.name = 'JsonTooDeepError';
  }
}

/**
 * JSON.parse, except that a number whose value a double cannot hold is an
 * ExactNumber holding its text. Same results otherwise: objects with own data
 * properties in input order (`__proto__` included, as data), the last of
 * duplicate keys, strings and other numbers as JSON.parse gives them.
 *
 * `shortNumbersOnly`: true when the caller vouches that every number token
 * of `text` has fewer than 16 digits and dots and no exponent (the JSON
 * framer found no other while scanning the record: see SHORT_NUMBER_CHARS);
 * such numbers are exact in a double, so the text is not scanned for
 * candidates. False or absent: not known, the text is scanned. A wrong
 * `true` would lose digits: only a scan of this very text may set it.
 *
 * @throws SyntaxError with JSON.parse's own message when the text is not JSON.
 * @throws JsonTooDeepError when the text holds such a number and nests deeper
 *   than MAX_JSON_DEPTH (lossless-json recurses; JSON.parse does not).
 */
export function parseJsonExact(text: string, shortNumbersOnly = false): unknown {
  if (shortNumbersOnly || !mayHoldInexactNumber(text)) return JSON.parse(text);
  // JSON.parse first: its verdict and error messages are the ones every other
  // record gets, and a document it rejects never reaches the second parser.
  JSON.parse(text);
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new JsonTooDeepError();
  return lossless().parse(text, null, { parseNumber: parseNumberToken, onDuplicateKey: keepLastDuplicate });
}

/**
 * Whether JSON text nests deeper than `max` levels of objects and arrays.
 * Text with at most `max` brackets cannot be too deep, and indexOf counts
 * them cheaply; only text with more is scanned (strings and escapes skipped).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let openers = 0;
  for (let i = text.indexOf('{'); i >= 0 && openers <= max; i = text.indexOf('{', i + 1)) openers++;
  for (let i = text.indexOf('['); i >= 0 && openers <= max; i = text.indexOf('[', i + 1)) openers++;
  if (openers <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return false;
}

/**
 * What a parsed JSON value is, for "expected X, found Y" messages: `null`,
 * `an array`, `an object`, `the string "…"` (quoted, cut), `the number 1e400`
 * (an ExactNumber keeps its text), `the boolean true`.
 */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isExactNumber(value)) return `the number ${value.text}`;
  switch (typeof value) {
    case 'string': return `the string ${quoteValue(value)}`;
    case 'number':
    case 'boolean': return `the ${typeof value} ${String(value)}`;
    case 'object': return 'an object';
    default: return 'nothing';
  }
}
