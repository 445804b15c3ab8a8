// The Parquet record sink: rows of each log type gathered in column buffers
// and written a row group at a time into that type's current part file; a
// part holds at most `maxFileRows` rows, then the next one is opened. Memory
// is bounded by one row group per type (rows and estimated bytes), never a
// whole file.
import { RecordRefused, type PartFile, type RecordSink, type RecordSinkOptions } from '../types.js';
import type { ParquetRow, ParquetTable } from './row.js';
import { structFields } from './elements.js';
import { tableFor } from './table.js';
import { ParquetFileEncoder } from './writer.js';

/**
 * A row group is written once this many rows, or this many estimated bytes
 * (string lengths plus 8 a value; the JavaScript values take a few times
 * more), are buffered. Measured on 1M VPC records: see README (peak RSS).
 */
export const ROW_GROUP_ROWS = 16_384;
export const ROW_GROUP_BYTES = 8 << 20;

const CREATED_BY = 'awslogs (hyparquet-writer)';

function isParquetRow(record: object): record is ParquetRow {
  return 'table' in record && 'cells' in record && Array.isArray((record as ParquetRow).values);
}

/** The open part file of a table and how many rows it holds. */
interface OpenPart {
  file: PartFile;
  encoder: ParquetFileEncoder;
  rows: number;
}

/**
 * Null-filled column arrays for a row group: a sparse row sets only its
 * cells. Filled, not holey: V8 handles arrays with holes more slowly, and
 * that cost more than the fill (measured on 200k VPC records).
 */
function emptyColumns(count: number, rows: number): unknown[][] {
  const columns: unknown[][] = [];
  for (let i = 0; i < count; i++) columns.push(new Array<unknown>(rows).fill(null));
  return columns;
}

/** Rows the column arrays start with: doubled as rows come, so a group cut short by its byte budget (CloudTrail) fills no more than it needs. */
const FIRST_CAPACITY = 4096;

/** Doubles every column array, the new slots null: pushed, since raising `length` would leave the array holey (slower to read). */
function growColumns(columns: unknown[][]): void {
  for (const c of columns) {
    const size = Math.max(c.length * 2, FIRST_CAPACITY);
    while (c.length < size) c.push(null);
  }
}

/** One log type's buffered rows and its current part file. */
class TableOutput {
  private columns: unknown[][];
  rows = 0;
  bytes = 0;
  private part: OpenPart | undefined;
  private parts = 0;
  private readonly columnCount: number;

  constructor(readonly table: ParquetTable, private readonly options: RecordSinkOptions) {
    this.columnCount = structFields(table.shape).length;
    this.columns = emptyColumns(this.columnCount, FIRST_CAPACITY);
  }

  add(row: ParquetRow): void {
    const r = this.rows++;
    const columns = this.columns;
    if (r >= columns[0]!.length) growColumns(columns);
    const { cells, values } = row;
    for (let i = 0; i < cells.length; i++) columns[cells[i]!]![r] = values[i];
    this.bytes += row.bytes;
  }

  get ready(): boolean {
    return this.rows >= ROW_GROUP_ROWS || this.bytes >= ROW_GROUP_BYTES;
  }

  /** Writes every buffered row, in row groups of at most ROW_GROUP_ROWS, rolling to a new part at maxFileRows. */
  async writeBuffered(): Promise<void> {
    const rows = this.rows;
    if (rows === 0) return;
    const columns = this.columns;
    for (const c of columns) c.length = rows;
    this.columns = emptyColumns(this.columnCount, FIRST_CAPACITY);
    this.rows = 0;
    this.bytes = 0;
    for (let offset = 0; offset < rows;) {
      const part = this.part ?? await this.openPart();
      const n = Math.min(rows - offset, ROW_GROUP_ROWS, this.options.maxFileRows - part.rows);
      const group = n === rows ? columns : columns.map((c) => c.slice(offset, offset + n));
      for (const chunk of part.encoder.rowGroup(group, n)) await part.file.write(chunk);
      part.rows += n;
      offset += n;
      if (part.rows >= this.options.maxFileRows) await this.finishPart();
    }
  }

  /** Opens the first part with no row yet (an empty file once finished). */
  async openEmpty(): Promise<void> {
    await this.openPart();
  }

  private async openPart(): Promise<OpenPart> {
    const file = await this.options.open(this.table.name, this.parts++);
    this.part = { file, encoder: new ParquetFileEncoder(this.table, CREATED_BY), rows: 0 };
    return this.part;
  }

  /** Writes the footer and completes the part; resolves with its name, or undefined when none is open. */
  async finishPart(): Promise<string | undefined> {
    const part = this.part;
    if (part === undefined) return undefined;
    this.part = undefined;
    for (const chunk of part.encoder.finish()) await part.file.write(chunk);
    const name = await part.file.commit();
    this.done.push(name);
    return name;
  }

  /** Names of the parts completed so far. */
  readonly done: string[] = [];

  async abort(): Promise<void> {
    const part = this.part;
    this.part = undefined;
    this.columns = emptyColumns(this.columnCount, FIRST_CAPACITY);
    this.rows = 0;
    this.bytes = 0;
    await part?.file.abort();
  }
}

class ParquetSink implements RecordSink {
  private readonly tables = new Map<ParquetTable, TableOutput>();
  private anyReady = false;

  constructor(private readonly options: RecordSinkOptions) {}

  writeRecord(record: object): void {
    if (!isParquetRow(record)) throw new TypeError('parquet: the sink takes the rows of the parquet converter');
    let out = this.tables.get(record.table);
    if (out === undefined) {
      const first = this.tables.keys().next().value;
      if (this.options.singleTable && first !== undefined) {
        throw new RecordRefused(`parquet: one Parquet stream holds one log type (${first.name}), and this record is ${record.table.name}; use --out-dir, which writes a folder per log type`);
      }
      this.tables.set(record.table, (out = new TableOutput(record.table, this.options)));
    }
    out.add(record);
    if (out.ready) this.anyReady = true;
  }

  get full(): boolean {
    return this.anyReady;
  }

  async flush(): Promise<void> {
    if (!this.anyReady) return;
    this.anyReady = false;
    for (const out of this.tables.values()) if (out.ready) await out.writeBuffered();
  }

  async close(): Promise<string[]> {
    const names: string[] = [];
    if (this.tables.size === 0 && this.options.emptyTable !== undefined) {
      // No record: a file with the schema and no row group, so a reader still finds a valid table.
      const empty = new TableOutput(tableFor(this.options.emptyTable), this.options);
      await empty.openEmpty();
      this.tables.set(empty.table, empty);
    }
    for (const out of this.tables.values()) {
      await out.writeBuffered();
      await out.finishPart();
      names.push(...out.done);
    }
    return names;
  }

  async abort(): Promise<void> {
    await Promise.all([...this.tables.values()].map((out) => out.abort()));
  }
}

/** A Parquet record sink (formats/types.ts RecordSink) over the files `options.open` gives. */
export function parquetSink(options: RecordSinkOptions): RecordSink {
  return new ParquetSink(options);
}
