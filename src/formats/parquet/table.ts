// The Parquet table of each log type, built from its JSON Schema
// (schemas/<LogType>.json) once per process.
import { readFileSync } from 'node:fs';
import { tableShape } from './schema.js';
import type { ParquetTable } from './row.js';

/** schemas/ at the package root (this file runs from dist/src/formats/parquet/). */
const SCHEMA_DIR = new URL('../../../../schemas/', import.meta.url);

const tables = new Map<string, ParquetTable>();

/** The table of a log type. @throws when the log type has no schema file (a bug: names come from the registry). */
export function tableFor(logType: string): ParquetTable {
  let table = tables.get(logType);
  if (table === undefined) {
    const schema = JSON.parse(readFileSync(new URL(`${logType}.json`, SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
    tables.set(logType, (table = { name: logType, shape: tableShape(schema) }));
  }
  return table;
}
