// JSON text of parsed values that may hold ExactNumbers (numbers a double
// cannot hold, kept as their text): JSON.stringify's output, except that each
// ExactNumber is written as its exact text. Used by the NDJSON line encoder
// (pipeline/json_bytes.ts) and by formats that store JSON as text (Parquet).
import { ExactNumber, ExactNumberStringifyError } from './exact_number.js';

/** JSON.stringify(value), or stringifyExact's text when the value holds an ExactNumber. */
export function stringifyOrExact(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    if (!(err instanceof ExactNumberStringifyError)) throw err;
    return stringifyExact(value);
  }
}

/** An object or array being written by stringifyExact, and how far it got. */
interface OpenContainer {
  readonly items: unknown[] | undefined;
  readonly object: Record<string, unknown> | undefined;
  readonly keys: string[];
  next: number;
  /** Whether a member has been written (so the next one needs a comma). */
  written: boolean;
}

/**
 * The text of a scalar (or of a value this writer leaves to JSON.stringify),
 * or undefined for an object or array, which the caller opens.
 */
function scalarText(value: unknown): string | undefined {
  if (value instanceof ExactNumber) return value.text;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return undefined;
  // Parsed JSON has plain objects only; anything else (a Date) is JSON.stringify's.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return JSON.stringify(value) ?? 'null';
  return undefined;
}

function open(value: object, parts: string[]): OpenContainer {
  if (Array.isArray(value)) {
    parts.push('[');
    return { items: value as unknown[], object: undefined, keys: [], next: 0, written: false };
  }
  parts.push('{');
  const object = value as Record<string, unknown>;
  return { items: undefined, object, keys: Object.keys(object), next: 0, written: false };
}

/** The next value of the container to write (its key and comma written), or `done`. */
function nextMember(top: OpenContainer, parts: string[]): { value: unknown } | undefined {
  if (top.items !== undefined) {
    if (top.next >= top.items.length) return undefined;
    if (top.written) parts.push(',');
    top.written = true;
    return { value: top.items[top.next++] };
  }
  const object = top.object!;
  while (top.next < top.keys.length) {
    const key = top.keys[top.next++]!;
    const value = object[key];
    // JSON.stringify leaves these members out of an object.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    parts.push(top.written ? ',' : '', JSON.stringify(key), ':');
    top.written = true;
    return { value };
  }
  return undefined;
}

/**
 * JSON.stringify(value) for parsed JSON that holds ExactNumbers: the same
 * text, except that each ExactNumber is written as its exact text. Uses an
 * explicit stack, so no input depth can overflow the call stack.
 * @throws TypeError for a BigInt, as JSON.stringify does.
 */
export function stringifyExact(value: unknown): string {
  const parts: string[] = [];
  const stack: OpenContainer[] = [];
  let pending: { value: unknown } | undefined = { value };
  for (;;) {
    if (pending !== undefined) {
      const text = scalarText(pending.value);
      if (text !== undefined) parts.push(text);
      else stack.push(open(pending.value as object, parts));
    }
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    pending = nextMember(top, parts);
    if (pending === undefined) {
      parts.push(top.items !== undefined ? ']' : '}');
      stack.pop();
    }
  }
  return parts.join('');
}
