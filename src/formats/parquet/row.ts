// A validated native record → one Parquet row: the values of its top-level
// columns in table order, typed as the columns are (schema.ts). A value a
// column cannot hold exactly (an integer past int64, a number a double
// cannot hold, a timestamp finer than a microsecond) is an error report for
// that record: never rounded, never dropped.
import { isExactNumber } from '../../core/exact_number.js';
import { stringifyOrExact } from '../../core/json_text.js';
import { daysFromCivil } from '../../core/timestamp.js';
import type { Shape, StructShape } from './schema.js';
import { UNKNOWN_FIELDS } from './schema.js';

/**
 * A record ready for the column buffers: the values of the top-level
 * columns it has (`cells[i]` is the column of `values[i]`; the others are
 * null), and their rough size (bytes, for the row-group budget). Sparse,
 * because a record fills a few of its table's columns (VPC: ~20 of 77).
 */
export type ParquetRow = {
  readonly table: ParquetTable;
  readonly cells: number[];
  readonly values: unknown[];
  readonly bytes: number;
};

/** One log type's table: its name (the `p_log_type`) and shape. */
export interface ParquetTable {
  readonly name: string;
  readonly shape: StructShape;
}

/** A value that does not fit its column; the message names the field. */
class RowError extends Error {}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const INTEGER_TEXT = /^-?[0-9]+$/;

/** Running size of a row, in bytes (string lengths, 8 a scalar). */
interface Size { bytes: number }

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isExactNumber(value)) return `the number ${value.text.slice(0, 40)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function int32(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
  throw new RowError(`${path}: expected an integer of 32 bits for a Parquet INT32 column, found ${typeName(value)}`);
}

function int64(value: unknown, path: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (isExactNumber(value) && INTEGER_TEXT.test(value.text)) {
    const n = BigInt(value.text);
    if (n >= INT64_MIN && n <= INT64_MAX) return n;
    throw new RowError(`${path}: ${value.text.slice(0, 40)} does not fit a Parquet INT64 column (−2^63 to 2^63−1)`);
  }
  throw new RowError(`${path}: expected an integer for a Parquet INT64 column, found ${typeName(value)}`);
}

function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  // An ExactNumber is one a double cannot hold: writing it as a DOUBLE would change it.
  throw new RowError(`${path}: ${typeName(value)} cannot be stored in a Parquet DOUBLE column without changing its value`);
}

const DIGIT_0 = 48;

/** The decimal value of `text[from, from + count)`, or -1 when one is not an ASCII digit. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Where the separators of `YYYY-MM-DDTHH:MM:SS.fffffffffZ` are. */
const SEPARATORS: ReadonlyArray<[number, string]> = [[4, '-'], [7, '-'], [10, 'T'], [13, ':'], [16, ':'], [19, '.'], [29, 'Z']];

/**
 * `2018-07-02T22:23:00.186641000Z` → microseconds since the epoch (UTC):
 * a number while it is a safe integer (years 1685–2255), else a BigInt
 * (hyparquet-writer takes either for an INT64). Character by character:
 * this runs for several columns of every record.
 */
export function timestampMicros(value: unknown, path: string): number | bigint {
  const text = typeof value === 'string' && value.length === 30 ? value : undefined;
  const fields = text === undefined ? undefined : [digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2), digits(text, 20, 6), digits(text, 26, 3)];
  if (text === undefined || fields!.some((f) => f < 0) || SEPARATORS.some(([i, c]) => text[i] !== c)) {
    throw new RowError(`${path}: expected an RFC3339 timestamp with nine fractional digits, found ${typeName(value)}`);
  }
  const [year, month, day, hour, minute, second, micros, nanos] = fields as [number, number, number, number, number, number, number, number];
  if (nanos !== 0) {
    throw new RowError(`${path}: ${text} is finer than the microseconds a Parquet TIMESTAMP(MICROS) column holds; use --format ndjson for this input`);
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  const total = seconds * 1_000_000 + micros;
  return Number.isSafeInteger(total) ? total : BigInt(seconds) * 1_000_000n + BigInt(micros);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isExactNumber(value);
}

/**
 * One value as its column holds it. Recursion follows the shape, which is
 * at most MAX_SHAPE_DEPTH deep (schema.ts), never the record's own depth:
 * free-form parts are JSON text, written without recursion.
 */
/** String.prototype.isWellFormed (Node 20; ES2024, past this project's ES2022 lib). */
type WellFormedCheck = string & { isWellFormed(): boolean };

function convert(value: unknown, shape: Shape, path: string, size: Size): unknown {
  if (value === undefined) return null;
  // A JSON null kept by the record (`"requestParameters": null`) stays a value: the text `null`, not an absent field.
  if (value === null) return shape.kind === 'leaf' && shape.leaf === 'json' ? 'null' : null;
  if (shape.kind === 'list') {
    if (!Array.isArray(value)) throw new RowError(`${path}: expected an array, found ${typeName(value)}`);
    return value.map((item, i) => convert(item, shape.element, `${path}[${i}]`, size));
  }
  if (shape.kind === 'struct') {
    if (!isPlainObject(value)) throw new RowError(`${path}: expected an object, found ${typeName(value)}`);
    return structValue(value, shape, path, size);
  }
  size.bytes += 8;
  switch (shape.leaf) {
    case 'string':
      if (typeof value !== 'string') throw new RowError(`${path}: expected a string, found ${typeName(value)}`);
      // A Parquet string is UTF-8, which has no lone UTF-16 surrogate (JSON's "\ud83d"): written, it would turn into U+FFFD.
      if (!(value as WellFormedCheck).isWellFormed()) throw new RowError(`${path}: holds a lone UTF-16 surrogate, which a Parquet (UTF-8) string cannot hold; the NDJSON output keeps it as a \\u escape`);
      size.bytes += value.length;
      return value;
    case 'json': {
      const text = stringifyOrExact(value);
      size.bytes += text.length;
      return text;
    }
    case 'int32': return int32(value, path);
    case 'int64': return int64(value, path);
    case 'double': return double(value, path);
    case 'boolean':
      if (typeof value !== 'boolean') throw new RowError(`${path}: expected true or false, found ${typeName(value)}`);
      return value;
    case 'timestamp': return timestampMicros(value, path);
  }
}

/** The keys of `object` the struct does not list, as a JSON object's text, or null when there are none. */
function unknownFieldsText(object: Record<string, unknown>, known: ReadonlySet<string>, size: Size): string | null {
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    if (known.has(key) || object[key] === undefined) continue;
    // A null prototype: a key `__proto__` is an own property here, never the prototype.
    extra ??= Object.create(null) as Record<string, unknown>;
    extra[key] = object[key];
  }
  if (extra === undefined) return null;
  const text = stringifyOrExact(extra);
  size.bytes += text.length;
  return text;
}

const knownNames = new WeakMap<StructShape, ReadonlySet<string>>();
function namesOf(shape: StructShape): ReadonlySet<string> {
  let names = knownNames.get(shape);
  if (names === undefined) knownNames.set(shape, (names = new Set(shape.fields.map((f) => f.name))));
  return names;
}

/**
 * A struct's value: an object with one member per child, always in the
 * schema's order, so V8 gives every value of a struct one shape and
 * hyparquet-writer's reads of it stay fast (a null-prototype object is a
 * slow dictionary). The names are the schema's, never an input's, and
 * schema.ts makes no column of `__proto__`.
 */
function structValue(object: Record<string, unknown>, shape: StructShape, path: string, size: Size): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of shape.fields) out[field.name] = convert(object[field.name], field.shape, `${path}.${field.name}`, size);
  const names = namesOf(shape);
  if (shape.extra) out[UNKNOWN_FIELDS] = unknownFieldsText(object, names, size);
  else rejectUnlisted(object, names, path);
  return out;
}

/** A key no column holds would be lost: an error (validation lets none through today). */
function rejectUnlisted(object: Record<string, unknown>, names: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(object)) {
    if (!names.has(key) && object[key] !== undefined) {
      throw new RowError(`${path === '' ? 'the record' : path}: the field ${JSON.stringify(key.slice(0, 60))} has no Parquet column`);
    }
  }
}

/** Column number of each top-level field of a table (its `unknownFields` column last, when it has one). */
const columnIndexes = new WeakMap<StructShape, ReadonlyMap<string, number>>();
function indexesOf(shape: StructShape): ReadonlyMap<string, number> {
  let indexes = columnIndexes.get(shape);
  if (indexes === undefined) columnIndexes.set(shape, (indexes = new Map(shape.fields.map((f, i) => [f.name, i]))));
  return indexes;
}

/**
 * The record as a row of `table`, or the message of the error report that
 * replaces it. One pass over the record's own keys: each is a column, or
 * (a table that allows them) goes to `unknownFields`.
 */
export function toRow(record: Record<string, unknown>, table: ParquetTable): ParquetRow | string {
  const size: Size = { bytes: 0 };
  const shape = table.shape;
  const indexes = indexesOf(shape);
  const cells: number[] = [];
  const values: unknown[] = [];
  let extra: Record<string, unknown> | undefined;
  try {
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (value === undefined) continue;
      const column = indexes.get(key);
      if (column !== undefined) {
        cells.push(column);
        values.push(convert(value, shape.fields[column]!.shape, key, size));
      } else if (shape.extra) {
        extra ??= Object.create(null) as Record<string, unknown>;
        extra[key] = value;
      } else {
        throw new RowError(`the record: the field ${JSON.stringify(key.slice(0, 60))} has no Parquet column`);
      }
    }
    if (extra !== undefined) {
      const text = stringifyOrExact(extra);
      size.bytes += text.length;
      cells.push(shape.fields.length);
      values.push(text);
    }
    return { table, cells, values, bytes: size.bytes };
  } catch (err) {
    if (err instanceof RowError) return `parquet: ${err.message}`;
    throw err;
  }
}
