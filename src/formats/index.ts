// Output formats: one small descriptor per format behind one table. The
// pipeline normalizes and validates each native record first; a format with
// a converter then turns it into what is written (or an error report).
// Parquet (a later issue) fits the same shape: its own extension, and the
// converter's `partition` says which file a record goes to (OCSF: one class
// per file, as Security Lake requires of custom sources).
import { NDJSON } from './ndjson.js';
import { OCSF } from './ocsf/format.js';
import type { OutputFormat } from './types.js';

export type { Converted, FormatName, OutputFormat, RecordConverter } from './types.js';

export const FORMATS: Readonly<Record<string, OutputFormat>> = { ndjson: NDJSON, ocsf: OCSF };

export const FORMAT_NAMES: readonly string[] = Object.keys(FORMATS);

/** The format named `name` (exact), or undefined. */
export function findFormat(name: string): OutputFormat | undefined {
  return Object.hasOwn(FORMATS, name) ? FORMATS[name] : undefined;
}
