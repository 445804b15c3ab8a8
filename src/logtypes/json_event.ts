// What the JSON log types (CloudTrail, GuardDuty) share: parsing one framed
// record, unwrapping an EventBridge envelope, required-field checks and
// timestamp rewriting.
//
// Records are the objects JSON.parse made (or lossless-json, for a record
// holding a number no double can hold: that number is an ExactNumber),
// mutated in place for the few known keys that are rewritten: every other
// key, its order and its value stay as AWS wrote them. Both parsers create
// `__proto__`, `constructor` and the like as own data properties; nothing
// here copies keys from one object into another (guardduty_names.ts, which
// renames keys, defines them as own properties), so input cannot reach any
// prototype.
import { INDICATOR_FIELDS } from '../core/indicators.js';
import { SOURCE_FIELDS } from '../core/source_fields.js';
import { JsonTooDeepError, describeJsonValue, nestsDeeperThan, parseJsonExact } from '../core/exact_number.js';
import { isJsonObject } from '../core/jsonwalk.js';
import { normalizeRFC3339 } from '../core/timestamp.js';
import type { Fields, ParseSink } from './types.js';

export { isJsonObject };

/** What a value is, for "expected X, found Y" messages (core's describeJsonValue). */
export const describeValue = describeJsonValue;

/**
 * Parses one record; on failure reports it and returns undefined. Numbers
 * whose value a double cannot hold come back as ExactNumbers (see
 * core/exact_number.ts); every other value is what JSON.parse gives.
 * `field` names the field the text came from (JSON inside a string), for
 * messages; `shortNumbersOnly` is Parser.parse's (the framer vouches that
 * no number needs its text: the scan for one is skipped).
 */
export function parseJsonObject(text: string, sink: ParseSink, what: string, field?: string, shortNumbersOnly = false): Fields | undefined {
  const where = field === undefined ? '' : `field ${field}: `;
  let value: unknown;
  try {
    value = parseJsonExact(text, shortNumbersOnly);
  } catch (err) {
    if (err instanceof JsonTooDeepError) sink.error(`${where}${err.message}`);
    else sink.error(`${where}invalid JSON: ${(err as Error).message}`);
    return undefined;
  }
  if (!isJsonObject(value)) {
    // A number is described by its text: JSON.parse may have rounded it.
    const found = typeof value === 'number' ? `the number ${text.trim().slice(0, 40)}` : describeValue(value);
    sink.error(`${where}expected a JSON object (${what}), found ${found}`);
    return undefined;
  }
  return value;
}

/**
 * Whether JSON text nests deeper than `max` levels. The JSON framer checks
 * every record it frames; this is for JSON inside a string (lookup-events'
 * `CloudTrailEvent`), which JSON.parse takes at any depth but JSON.stringify
 * cannot write back (it recurses: a stack overflow at a few thousand levels).
 */
export { nestsDeeperThan };

/** The `detail` of an EventBridge event (`detail-type` + `detail`), or undefined. */
export function eventBridgeDetail(doc: Fields): Fields | undefined {
  if (typeof doc['detail-type'] !== 'string' || !Object.hasOwn(doc, 'detail')) return undefined;
  const detail = doc.detail;
  return isJsonObject(detail) ? detail : undefined;
}

/** An own property (so `constructor` and friends are never read from the prototype). */
export function own(o: Fields, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Names (with `prefix`) of the fields that are absent or null. */
export function missingFields(o: Fields, names: readonly string[], prefix = ''): string[] {
  const missing: string[] = [];
  for (const name of names) {
    const v = own(o, name);
    if (v === undefined || v === null) missing.push(prefix + name);
  }
  return missing;
}

export function missingMessage(missing: readonly string[]): string {
  return missing.length === 1 ? `missing required field ${missing[0]}` : `missing required fields: ${missing.join(', ')}`;
}

/**
 * Rewrites `o[key]` to the nine-digit RFC3339 form. Returns an error
 * message (naming `path`) when the value is not an RFC3339 timestamp.
 */
export function normalizeTimeField(o: Fields, key: string, path: string): string | undefined {
  const v = o[key];
  const normalized = typeof v === 'string' ? normalizeRFC3339(v) : undefined;
  if (normalized === undefined) return `field ${path}: expected an RFC3339 timestamp, found ${describeValue(v)}`;
  o[key] = normalized;
  return undefined;
}

const STANDARD_FIELDS: readonly string[] = ['p_log_type', 'p_row_id', 'p_event_time', 'p_parse_time', ...INDICATOR_FIELDS, ...SOURCE_FIELDS];

/**
 * Removes top-level p_ fields the input already carries (awslogs output fed
 * back in): they are this tool's to write, and a stale p_any_* list would
 * otherwise survive next to the fresh ones. Returns whether any was removed.
 */
export function dropStandardFields(o: Fields): boolean {
  let dropped = false;
  for (const name of STANDARD_FIELDS) {
    if (Object.hasOwn(o, name)) {
      delete o[name];
      dropped = true;
    }
  }
  return dropped;
}

export const STANDARD_FIELDS_NOTICE = 'input records already carry p_ fields (normalized output read again?); they are replaced';
