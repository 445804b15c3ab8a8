// Output formats: one small descriptor per format behind one table. The
// pipeline normalizes and validates each native record first; a format with
// a converter then turns it into what is written (or an error report).
// Parquet adds a RecordSink: its converter makes a typed row of each record
// and the sink packs rows into column buffers and files, one table per log
// type (formats/parquet/).
import { NDJSON } from './ndjson.js';
import { OCSF } from './ocsf/format.js';
import { PARQUET } from './parquet/format.js';
import type { OutputFormat } from './types.js';

export type { Converted, FormatName, OutputFormat, PartFile, RecordConverter, RecordSink, RecordSinkOptions } from './types.js';
export { RecordRefused } from './types.js';

export const FORMATS: Readonly<Record<string, OutputFormat>> = { ndjson: NDJSON, ocsf: OCSF, parquet: PARQUET };

export const FORMAT_NAMES: readonly string[] = Object.keys(FORMATS);

/** The format named `name` (exact), or undefined. */
export function findFormat(name: string): OutputFormat | undefined {
  return Object.hasOwn(FORMATS, name) ? FORMATS[name] : undefined;
}
