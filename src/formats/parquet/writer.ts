// hyparquet-writer glue: one Parquet file written a row group at a time.
// hyparquet-writer's ParquetWriter writes into a Writer and calls its
// `flush` after each row group; this Writer hands those bytes out instead
// of keeping them, so a file of any size costs one row group of memory.
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { schemaElements, structFields } from './elements.js';
import type { ParquetTable } from './row.js';
import type { LeafKind } from './schema.js';

/**
 * Snappy: built into hyparquet-writer (pure JS), read by every engine, and
 * Athena's and Spark's default. zstd would need a native or WASM codec
 * (Node 20's zlib has none). Measured on 1M VPC records: see README.
 */
const CODEC = 'SNAPPY' as const;

/**
 * Columns whose row groups carry min/max statistics: times and numbers,
 * which readers use to skip row groups (`WHERE p_event_time BETWEEN …`).
 * Strings and JSON text go without: comparing every string cost a quarter
 * of the encoding time, and 16-byte prefixes of addresses or ARNs rarely
 * let a reader skip anything.
 */
const STATISTICS_LEAVES: ReadonlySet<LeafKind> = new Set(['int32', 'int64', 'double', 'boolean', 'timestamp']);

/** A ByteWriter whose flushed bytes are taken out (copies: the buffer is reused). */
class ChunkWriter extends ByteWriter {
  private chunks: Uint8Array[] = [];

  flush(): void {
    if (this.index === 0) return;
    this.chunks.push(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }

  /** The bytes flushed since the last call. */
  take(): Uint8Array[] {
    this.flush();
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

/** One Parquet file of one table, as bytes: the header and row groups as they are encoded, then the footer. */
export class ParquetFileEncoder {
  private readonly out = new ChunkWriter(1 << 20);
  private readonly writer: ParquetWriter;
  private readonly names: string[];
  private readonly statistics: boolean[];

  constructor(table: ParquetTable, createdBy: string) {
    const fields = structFields(table.shape);
    this.names = fields.map((f) => f.name);
    this.statistics = fields.map((f) => f.shape.kind === 'leaf' && STATISTICS_LEAVES.has(f.shape.leaf));
    this.writer = new ParquetWriter({
      writer: this.out,
      schema: schemaElements(table.shape),
      codec: CODEC,
      kvMetadata: [{ key: 'awslogs.logType', value: table.name }],
      createdBy,
    });
  }

  /** Encodes `columns` (one array of values per top-level column, `rows` long) as one row group; returns the bytes to write. */
  rowGroup(columns: readonly unknown[][], rows: number): Uint8Array[] {
    const columnData: ColumnSource[] = this.names.map((name, i) => ({ name, data: columns[i]!, statistics: this.statistics[i]! }));
    void this.writer.write({ columnData, rowGroupSize: rows });
    return this.out.take();
  }

  /** The footer (schema, row group offsets, statistics); the file is complete once these bytes are written. */
  finish(): Uint8Array[] {
    void this.writer.finish();
    return this.out.take();
  }
}
