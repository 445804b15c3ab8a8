// --format parquet: each validated record becomes a typed row of its log
// type's table (row.ts, columns from schemas/ by schema.ts), and a record
// sink (sink.ts) packs the rows into Parquet files with hyparquet-writer
// (writer.ts). Loaded only when --format parquet is used.
import type { RecordConverter } from '../types.js';
import { toRow } from './row.js';
import { tableFor } from './table.js';

export { parquetSink } from './sink.js';
export { tableFor } from './table.js';

/** Native record → Parquet row of its log type's table, or the error report's message. */
export function parquetConverter(logType: string): RecordConverter {
  const table = tableFor(logType);
  return (record) => {
    const row = toRow(record, table);
    return typeof row === 'string' ? { error: row } : { record: row };
  };
}
