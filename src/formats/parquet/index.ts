// --format parquet: each validated record becomes a typed row of its log
// type's table (row.ts, columns from schemas/ by schema.ts), and a record
// sink (sink.ts) packs the rows into Parquet files with hyparquet-writer
// (writer.ts). Loaded only when --format parquet is used.
import { readFileSync } from 'node:fs';
import type { RecordConverter } from '../types.js';
import { tableShape } from './schema.js';
import { toRow, type ParquetTable } from './row.js';

export { parquetSink } from './sink.js';

/** schemas/ at the package root (this file runs from dist/src/formats/parquet/). */
const SCHEMA_DIR = new URL('../../../../schemas/', import.meta.url);

const tables = new Map<string, ParquetTable>();

/** The table of a log type, built from its JSON Schema once per process. */
export function tableFor(logType: string): ParquetTable {
  let table = tables.get(logType);
  if (table === undefined) {
    const schema = JSON.parse(readFileSync(new URL(`${logType}.json`, SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
    tables.set(logType, (table = { name: logType, shape: tableShape(schema) }));
  }
  return table;
}

/** Native record → Parquet row of its log type's table, or the error report's message. */
export function parquetConverter(logType: string): RecordConverter {
  const table = tableFor(logType);
  return (record) => {
    const row = toRow(record, table);
    return typeof row === 'string' ? { error: row } : { record: row };
  };
}
