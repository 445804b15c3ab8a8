// Records to JSON lines, encoded straight into a byte buffer. JSON.stringify
// builds a string per record that is then encoded to UTF-8 again; records of
// the text formats are flat objects of numbers and printable-ASCII strings,
// which this writes byte by byte in one pass (measured: 1.2 µs instead of
// 1.8 µs for a VPC record, and no 600-byte string per record for the GC).
// The output is byte-for-byte JSON.stringify's (test/json_bytes.test.ts checks
// this against arbitrary values): anything unusual, such as a string that
// needs escaping or a nested array, is handed to JSON.stringify itself, and a
// record with a nested object (CloudTrail, GuardDuty) is written whole by
// one JSON.stringify call, which is faster for those than field by field.
//
// One exception: a number kept as its exact text (an ExactNumber, for values
// a double cannot hold) is written as that text, where JSON.stringify would
// write a rounded double or `null`. JSON.stringify cannot write raw text on
// Node 20, so an ExactNumber makes it throw, and only then is the value
// written by stringifyExact below: records without one never pay for it.
import { stringifyOrExact } from '../core/json_text.js';

export { stringifyExact } from '../core/json_text.js';

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const NEWLINE = 10;
const MINUS = 45;
const ZERO = 48;

/** Safe integers have at most 16 digits; a sign, and room to spare. */
const NUMBER_ROOM = 32;

/** Buffer's own encoders, without Buffer#write's argument juggling. */
interface RawWrites {
  utf8Write(text: string, offset: number): number;
  latin1Write(text: string, offset: number): number;
}

/** What a writer returns when the buffer has no room: the caller grows it and writes the record again. */
const NO_ROOM = -1;

/**
 * The writers below take the buffer and a position and return the end, or
 * NO_ROOM. Plain functions with the buffer in a local: as methods reading
 * `this.buf` on every byte they were slower than JSON.stringify.
 */
type Bytes = Buffer & RawWrites;

/**
 * From this length on, a string is copied by Buffer's UTF-8 encoder and then
 * checked in the buffer: charCodeAt costs about 3 ns a character here, the
 * encoder call about 50 ns plus a fraction of that (measured crossover ~28).
 */
const BULK_STRING = 32;

/** `"s"`, escaped as JSON.stringify escapes it. */
function writeString(buf: Bytes, p: number, s: string): number {
  const len = s.length;
  if (len >= BULK_STRING) return writeLongString(buf, p, s);
  if (p + len + 2 > buf.length) return NO_ROOM;
  const start = p;
  buf[p++] = QUOTE;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    // Printable ASCII other than `"` and `\`: one byte, nothing to escape.
    if (c < 32 || c > 126 || c === 34 || c === 92) return writeStringified(buf, start, s);
    buf[p++] = c;
  }
  buf[p++] = QUOTE;
  return p;
}

function writeLongString(buf: Bytes, p: number, s: string): number {
  const len = s.length;
  // Room for the whole UTF-8 form, so a count of len bytes can only mean all-ASCII.
  if (p + 3 * len + 2 > buf.length) return NO_ROOM;
  buf[p] = QUOTE;
  if (buf.utf8Write(s, p + 1) !== len) return writeStringified(buf, p, s);
  const end = p + 1 + len;
  for (let i = p + 1; i < end; i++) {
    const c = buf[i]!;
    if (c < 32 || c === 34 || c === 92) return writeStringified(buf, p, s);
  }
  buf[end] = QUOTE;
  return end + 1;
}

/** Decimal digits of a non-negative safe integer at p; returns the end. */
function writeDigits(buf: Bytes, p: number, n: number): number {
  if (n < 10) {
    buf[p] = ZERO + n;
    return p + 1;
  }
  let digits = 2;
  for (let limit = 100; n >= limit && digits < 16; limit *= 10) digits++;
  const end = p + digits;
  let i = end;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    buf[--i] = ZERO + (n - q * 10);
    n = q;
  }
  buf[--i] = ZERO + n;
  return end;
}

function writeNumber(buf: Bytes, p: number, n: number): number {
  if (p + NUMBER_ROOM > buf.length) return NO_ROOM;
  if (!Number.isSafeInteger(n)) return p + buf.latin1Write(Number.isFinite(n) ? String(n) : 'null', p);
  if (n < 0) {
    buf[p++] = MINUS;
    n = -n;
  }
  return writeDigits(buf, p, n);
}

/**
 * JSON.stringify's own text: escapes, nested values, toJSON. Where it gives
 * nothing (undefined, a function), only array items get here, and in an
 * array JSON.stringify writes null for them.
 */
function writeStringified(buf: Bytes, p: number, value: unknown): number {
  const text = stringifyOrExact(value);
  if (p + text.length * 3 > buf.length) return NO_ROOM;
  return p + buf.utf8Write(text, p);
}


function writeArray(buf: Bytes, p: number, items: unknown[]): number {
  if (p + 2 > buf.length) return NO_ROOM;
  buf[p++] = OPEN_BRACKET;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) buf[p++] = COMMA; // the previous item left room for one more byte
    const item = items[i];
    // Nested arrays and objects go to JSON.stringify whole: no recursion
    // here for a hostile document to overflow (its RangeError is reported).
    if (typeof item === 'string') p = writeString(buf, p, item);
    else if (typeof item === 'number') p = writeNumber(buf, p, item);
    else p = writeStringified(buf, p, item);
    if (p < 0 || p + 2 > buf.length) return NO_ROOM;
  }
  buf[p++] = CLOSE_BRACKET;
  return p;
}

/**
 * What writeValue returns for a nested object: the record is better written
 * whole by JSON.stringify (see writeRecord).
 */
const NESTED_OBJECT = -2;

function writeValue(buf: Bytes, p: number, value: unknown): number {
  switch (typeof value) {
    case 'string': return writeString(buf, p, value);
    case 'number': return writeNumber(buf, p, value);
    case 'boolean': return p + 5 > buf.length ? NO_ROOM : p + buf.latin1Write(value ? 'true' : 'false', p);
    default:
      if (Array.isArray(value)) return writeArray(buf, p, value);
      if (value !== null) return NESTED_OBJECT;
      return writeStringified(buf, p, value);
  }
}

/**
 * `"key":` as bytes, by the key's position in the record. Records of a log
 * type share their key order (a template), so position i nearly always holds
 * the same key: a pointer comparison, then a copy from bytes, where encoding
 * the key again cost ~3 ns a character. The first key seen at a position is
 * kept; a record with other keys there encodes them as usual.
 */
const KEY_SLOTS = 128;
const MAX_CACHED_KEY = 64;
const slotKeys: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS).fill(undefined);
const slotBytes: Uint8Array[] = new Array<Uint8Array>(KEY_SLOTS).fill(new Uint8Array(0));

function writeKey(buf: Bytes, p: number, key: string, slot: number): number {
  if (slot < KEY_SLOTS) {
    if (slotKeys[slot] === key) {
      const bytes = slotBytes[slot]!;
      const n = bytes.length;
      if (p + n > buf.length) return NO_ROOM;
      // TypedArray#set: measured ~17 ns for an 18-byte key against ~30 ns for a loop of byte stores (~5 % of an ALB run).
      buf.set(bytes, p);
      return p + n;
    }
    // Only short keys are kept: a hostile document's megabyte-long key must not stay in memory.
    if (slotKeys[slot] === undefined && key.length <= MAX_CACHED_KEY) {
      slotKeys[slot] = key;
      // A Uint8Array of its own (not a slice of Buffer's pool): every entry of the table the same kind of array.
      slotBytes[slot] = new Uint8Array(Buffer.from(JSON.stringify(key) + ':'));
    }
  }
  p = writeString(buf, p, key);
  if (p < 0 || p + 1 > buf.length) return NO_ROOM;
  buf[p++] = COLON;
  return p;
}

/**
 * A record with nested objects (CloudTrail, GuardDuty) at p, by one
 * JSON.stringify call: measured 7–9 % faster for them than field by field,
 * whose gain is in the flat records of the text formats.
 */
function writeWholeRecord(buf: Bytes, p: number, record: Record<string, unknown>): number {
  const text = stringifyOrExact(record);
  if (p + text.length * 3 + 1 > buf.length) return NO_ROOM;
  p += buf.utf8Write(text, p);
  buf[p++] = NEWLINE;
  return p;
}

/** Set by writeRecord when the record it wrote had a nested object (written whole). */
let wroteWhole = false;

/** The record and its newline at p; returns the end, or NO_ROOM. */
function writeRecord(buf: Bytes, p: number, record: Record<string, unknown>): number {
  const start = p;
  wroteWhole = false;
  if (p + 1 > buf.length) return NO_ROOM;
  buf[p++] = OPEN_BRACE;
  let first = true;
  let slot = 0;
  // for-in visits own keys in JSON.stringify's order (records have no
  // enumerable inherited keys); the enum cache makes it cheap on records
  // that share a shape.
  for (const key in record) {
    const value = record[key];
    slot++;
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (!first) {
      if (p + 1 > buf.length) return NO_ROOM;
      buf[p++] = COMMA;
    }
    first = false;
    p = writeKey(buf, p, key, slot);
    if (p < 0) return NO_ROOM;
    p = writeValue(buf, p, value);
    if (p === NESTED_OBJECT) {
      wroteWhole = true;
      return writeWholeRecord(buf, start, record);
    }
    if (p < 0) return NO_ROOM;
  }
  if (p + 2 > buf.length) return NO_ROOM;
  buf[p++] = CLOSE_BRACE;
  buf[p++] = NEWLINE;
  return p;
}

/**
 * A growing byte buffer of JSON lines. A record is written whole or not at
 * all: the buffer grows rather than splitting one, and a record whose
 * encoding throws (a value JSON.stringify cannot handle) leaves nothing.
 */
/**
 * After a record with a nested object, this many more are written whole
 * straight away, before one goes field by field again to see whether the
 * records are still nested: a stream of CloudTrail events or findings then
 * skips the top-level fields written in vain before the first nested one,
 * and flat records after them go back to the field-by-field path soon.
 */
const WHOLE_RECORD_RUN = 255;

export class JsonLineBuffer {
  private buf: Bytes;
  private used = 0;
  /** Records still to write whole before probing again (see WHOLE_RECORD_RUN). */
  private wholeRun = 0;

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafe(size) as Bytes;
  }

  get length(): number {
    return this.used;
  }

  /** The bytes written so far; the buffer starts afresh (the caller owns what it got). */
  take(): Buffer {
    const filled = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(this.size) as Bytes;
    this.used = 0;
    return filled;
  }

  /** Appends text as UTF-8 (error reports, pre-built lines). */
  appendText(text: string): void {
    if (this.used + text.length * 3 > this.buf.length) this.grow(text.length * 3);
    this.used += this.buf.utf8Write(text, this.used);
  }

  /** Appends JSON.stringify(record) + '\n', encoded. */
  appendRecord(record: object): void {
    const whole = this.wholeRun > 0;
    for (;;) {
      const fields = record as Record<string, unknown>;
      const end = whole ? writeWholeRecord(this.buf, this.used, fields) : writeRecord(this.buf, this.used, fields);
      if (end >= 0) {
        this.used = end;
        if (whole) this.wholeRun--;
        else if (wroteWhole) this.wholeRun = WHOLE_RECORD_RUN;
        return;
      }
      this.grow(this.buf.length);
    }
  }

  /** Room for n more bytes; copies what is written. Only a record larger than what is left gets here. */
  private grow(n: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.size, (this.used + n) * 2)) as Bytes;
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }
}
