// Typed conversions for text-format fields, and the record objects they
// fill. Each conversion returns undefined for a value that is not of the
// type, so the parser can name the field in its error (Panther dropped such
// values silently; we never do).
import { STANDARD_FIELDS } from './standard_fields.js';

/** Unsigned or negative decimal integer, exact within 2^53. */
export function parseInteger(s: string): number | undefined {
  const len = s.length;
  if (len === 0 || len > 17) return len > 17 ? parseBigInteger(s) : undefined;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    if (len === 1) return undefined;
    neg = true;
    i = 1;
  }
  let n = 0;
  for (; i < len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

/**
 * parseInteger(s.slice(start, end)) without making the slice: for parsers
 * that scan a line in place. Digits only (no sign), at most 15 of them;
 * returns undefined for anything else, and the caller falls back to
 * parseInteger on the slice for the rare values this does not take.
 */
export function parseDigitsAt(s: string, start: number, end: number): number | undefined {
  if (end <= start || end - start > 15) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

function parseBigInteger(s: string): number | undefined {
  if (!/^-?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Decimal number as logs write it (`0.001`, `-1`, `1e-3`); no hex, no Infinity, no blanks. */
export function parseDecimal(s: string): number | undefined {
  if (s.length === 0 || s.length > 64) return undefined;
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45 || c === 46)) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) return undefined;
  // Number() accepts "0x1f", "1_0" does not parse; reject hex/binary/octal prefixes.
  const x = s.charCodeAt(1);
  if (c === 48 && (x === 120 || x === 88 || x === 98 || x === 66 || x === 111 || x === 79)) return undefined;
  return n;
}

/**
 * A maker of empty records with a fixed key order. V8 turns an object that
 * gets more than about a dozen properties added by keyed stores
 * (`record[column.key] = v`) into a slow dictionary, which made schema
 * validation and JSON.stringify 2-3x slower for the wide text formats. A
 * clone of a template that already holds every key (as `undefined`) takes
 * keyed stores without changing shape. JSON.stringify and the validators
 * skip `undefined`, so an absent field still leaves no key in the output.
 * The keys come from this tool's own field tables (or validated VPC header
 * names), never from record data.
 *
 * `extraKeys`: keys the pipeline adds after the standard p_ fields for this
 * parser's records only (ParserOptions.recordKeys: the p_source_* fields of
 * records delivered through a log service). They are left out of the
 * templates of plain inputs: every key of a template costs each record's
 * clone and the validator's and JSON.stringify's walk over it (~3% of a VPC
 * or ALB run for five keys).
 */
export function recordMaker(eventKeys: readonly string[], extraKeys: readonly string[] = []): () => Record<string, unknown> {
  // The p_ fields are in the template too: adding them to a full object would
  // grow its property store for every record (and the p_source_* fields of a
  // record delivered through CloudWatch Logs made it a slow dictionary).
  const keys = [...eventKeys, ...STANDARD_FIELDS, ...extraKeys];
  const template = JSON.parse('{' + keys.map((k) => JSON.stringify(k) + ':0').join(',') + '}') as Record<string, unknown>;
  for (const k of keys) template[k] = undefined;
  return () => ({ ...template });
}
