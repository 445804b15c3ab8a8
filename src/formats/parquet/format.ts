// The `parquet` format descriptor: small, so the format table costs a run in
// another format nothing; hyparquet-writer and the schema mapping load on
// first use.
import type { OutputFormat } from '../types.js';

export const PARQUET: OutputFormat = {
  name: 'parquet',
  description: 'columnar files for DuckDB, Athena and Spark: one table per log type, columns typed from its schema (awslogs schema <LogType>)',
  extension: '.parquet',
  converters: async () => (await import('./index.js')).parquetConverter,
  recordSink: async () => (await import('./index.js')).parquetSink,
};
