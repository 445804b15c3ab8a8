// Parquet files for the tests, written by an independent writer (DuckDB,
// through @duckdb/node-api, a dev dependency), never by the reader the
// product uses. Each file is made from the text file of the same flows:
// DuckDB reads the text (space-separated, `-` as null) and writes it with
// AWS's Parquet column names (`_` for `-`) and types, so a test can compare
// the two normalized outputs.
import { DuckDBInstance, DuckDBListValue, DuckDBStructValue, DuckDBTimestampTZValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

/**
 * The Parquet type of each integer field ("Parquet data type" in the
 * Available fields table of flow-log-records.html); every other field is a
 * STRING. `protocol` is INT32 there while Athena's DDL reads it as bigint:
 * the reader takes either.
 */
const INTEGER_TYPES: Record<string, 'INTEGER' | 'BIGINT'> = {
  version: 'INTEGER', srcport: 'INTEGER', dstport: 'INTEGER', protocol: 'INTEGER',
  packets: 'BIGINT', bytes: 'BIGINT', start: 'BIGINT', end: 'BIGINT',
  'tcp-flags': 'INTEGER', 'traffic-path': 'INTEGER', 'encryption-status': 'INTEGER',
  'packets-lost-no-route': 'BIGINT', 'packets-lost-blackhole': 'BIGINT',
  'packets-lost-mtu-exceeded': 'BIGINT', 'packets-lost-ttl-expired': 'BIGINT',
};

export type Codec = 'gzip' | 'snappy' | 'zstd' | 'uncompressed';

export interface WriteOptions {
  codec?: Codec;
  /** Rows a row group (DuckDB rounds up to its vector size, 2048). */
  rowGroupSize?: number;
  /** Column types other than AWS's, by field name (`{ srcport: 'VARCHAR' }`). */
  types?: Record<string, string>;
}

let connection: Promise<DuckDBConnection> | undefined;

async function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return connection;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Writes `parquetPath` from the text flow log `textPath` (a header line of
 * field names, then records): each field a column named as AWS names it in
 * Parquet, of AWS's type.
 */
export async function textToParquet(textPath: string, header: readonly string[], parquetPath: string, options: WriteOptions = {}): Promise<void> {
  const c = await duck();
  const select = header.map((field) => {
    const type = options.types?.[field] ?? INTEGER_TYPES[field] ?? 'VARCHAR';
    return `CAST(${quoteIdent(field)} AS ${type}) AS ${quoteIdent(field.replaceAll('-', '_'))}`;
  }).join(', ');
  const columns = `{${header.map((f) => `${quoteString(f)}: 'VARCHAR'`).join(', ')}}`;
  const source = `read_csv(${quoteString(textPath)}, delim=' ', header=true, nullstr='-', quote='', escape='', columns=${columns})`;
  const codec = options.codec ?? 'gzip';
  const groups = options.rowGroupSize !== undefined ? `, ROW_GROUP_SIZE ${options.rowGroupSize}` : '';
  await c.run(`COPY (SELECT ${select} FROM ${source}) TO ${quoteString(parquetPath)} (FORMAT parquet, COMPRESSION ${codec}${groups})`);
}

/** Runs one SQL statement (for files the text path cannot describe: a nested column, a TIMESTAMP). */
export async function duckRun(sql: string): Promise<void> {
  await (await duck()).run(sql);
}

/** The number of row groups in a Parquet file, as DuckDB reads its footer. */
export async function rowGroups(path: string): Promise<number> {
  const reader = await (await duck()).runAndReadAll(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata(${quoteString(path)})`);
  return Number(reader.getRowObjects()[0]!.n);
}

/** A value read back by DuckDB, as plain JavaScript: structs are objects, lists arrays, timestamps `{ micros }`, BIGINTs bigint. */
export type ReadValue = string | number | bigint | boolean | null | { micros: bigint } | ReadValue[] | { [key: string]: ReadValue };

/** Structs and lists made plain (a loop over a work list, not recursion). */
function plain(value: DuckDBValue): ReadValue {
  const convert = (v: DuckDBValue): { out: ReadValue; todo?: () => void } => {
    if (v instanceof DuckDBTimestampTZValue) return { out: { micros: v.micros } };
    if (v instanceof DuckDBListValue) {
      const out: ReadValue[] = [];
      return { out, todo: () => { for (const item of v.items) out.push(step(item)); } };
    }
    if (v instanceof DuckDBStructValue) {
      const out: { [key: string]: ReadValue } = Object.create(null) as { [key: string]: ReadValue };
      return { out, todo: () => { for (const [k, item] of Object.entries(v.entries)) out[k] = step(item); } };
    }
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return { out: v };
    throw new Error(`unexpected DuckDB value ${String(v)}`);
  };
  const todo: Array<() => void> = [];
  const step = (v: DuckDBValue): ReadValue => {
    const c = convert(v);
    if (c.todo !== undefined) todo.push(c.todo);
    return c.out;
  };
  const root = step(value);
  for (let i = 0; i < todo.length; i++) todo[i]!();
  return root;
}

/** Every row of the Parquet files `pattern` (a DuckDB glob) matches, in file order, and the column types. */
export async function readParquet(pattern: string): Promise<{ types: Record<string, string>; rows: Array<Record<string, ReadValue>> }> {
  const c = await duck();
  const source = `read_parquet(${quoteString(pattern)})`;
  const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjects();
  const types: Record<string, string> = {};
  for (const d of described) types[String(d.column_name)] = String(d.column_type);
  const rows = (await c.runAndReadAll(`SELECT * FROM ${source}`)).getRowObjects().map((r) => {
    const row: Record<string, ReadValue> = {};
    for (const [k, v] of Object.entries(r)) row[k] = plain(v);
    return row;
  });
  return { types, rows };
}
