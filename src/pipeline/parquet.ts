// Parquet input (issue 17): VPC flow logs as AWS delivers them to S3 with
// the Parquet file format (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html).
//
// A file is Parquet by its bytes, never its name: `PAR1` at the start (then
// the footer, `<metadata><u32 length>PAR1`, is required at the end; a file
// that starts with PAR1 but has no valid footer is one clear error). Parquet
// is read from its end, so only a regular file or an input read by byte
// ranges (an s3:// object: parquet_source.ts) is read this way; Parquet on
// stdin or inside gzip is refused by sniff.ts with a message that says so.
//
// The reader (hyparquet, pure JavaScript, imported only when a Parquet file
// is met) reads one row group at a time; each row is handed to the log
// type's ColumnarInput as plain cells (logtypes/types.ts ColumnValue).
// Every size the footer claims is checked against the file before anything
// is allocated for it, and the schema must be flat (no nesting to recurse
// into): a hostile footer is one error, not a crash or an allocation.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { unzipSync } from 'node:zlib';
import type { AsyncBuffer, Compressors, CompressionCodec, FileMetaData, RowGroup } from 'hyparquet';
import { ExactNumber } from '../core/exact_number.js';
import type { ColumnarInput, ColumnValue, LogTypeDescriptor, ParserOptions, RowParser } from '../logtypes/types.js';
import type { RecordProcessor } from './normalize.js';
import { releaseHeap } from './heap_release.js';
import { ParquetError, openParquetSource, type OpenedSource, type ParquetSource } from './parquet_source.js';
import type { Counts } from './report.js';

/** `PAR1`, little-endian: the first and last four bytes of every Parquet file. */
const MAGIC = 0x31524150;

/** Largest footer (file metadata) read: real ones are kilobytes; a claim above this is refused before reading it. */
export const MAX_FOOTER_BYTES = 64 << 20;
/** Largest page, decompressed: writers use about 1 MiB; a page header claiming more is refused before allocating it. */
export const MAX_PAGE_BYTES = 256 << 20;
/**
 * Most rows in one row group. A row group is decoded whole (hyparquet skips
 * whole pages only, and writers such as DuckDB write one page per column
 * chunk, so reading a group in slices decodes its pages again for each:
 * measured 2x slower and more memory), so this bounds memory: DuckDB writes
 * 122,880 rows a group, pyarrow 1,048,576.
 */
export const MAX_GROUP_ROWS = 1 << 21;
/** Most columns: AWS defines fewer than 100 fields (vpc_flow.ts MAX_VPC_FIELDS is 256). */
export const MAX_COLUMNS = 256;
/** Rows handed on between two flushes of the output (and progress reports). */
const ROWS_PER_BATCH = 4096;

/**
 * Whether `path` is a regular file whose first four bytes are `PAR1`, so it
 * is read as Parquet. False for stdin, pipes, and anything that cannot be
 * opened (the text path reports that as usual).
 */
export async function startsWithParquetMagic(path: string | Buffer): Promise<boolean> {
  if (path === '-') return false;
  let handle: FileHandle | undefined;
  try {
    // Asked before opening: opening a FIFO waits for its writer, and closing
    // it again could end the writer's pipe (EPIPE) before the real read.
    if (!(await stat(path)).isFile()) return false;
    handle = await open(path, 'r');
    if (!(await handle.stat()).isFile()) return false;
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === MAGIC;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

type Hyparquet = typeof import('hyparquet');

/**
 * hyparquet decodes SNAPPY itself; the other codecs come from
 * hyparquet-compressors (zstd: fzstd, pure JS: Node 20's zlib has no zstd;
 * brotli, LZ4), except gzip, which node:zlib inflates natively (several
 * times faster than the pure JS one). Every decompressor is wrapped so a
 * page header claiming more than MAX_PAGE_BYTES is refused before any
 * allocation, and a page whose data inflates to another size is an error.
 */
async function loadCompressors(hyparquet: Hyparquet): Promise<Compressors> {
  const extra = await import('hyparquet-compressors');
  const decoders: Record<string, (input: Uint8Array, length: number) => Uint8Array> = {
    SNAPPY: (input, length) => {
      const out = new Uint8Array(length);
      hyparquet.snappyUncompress(input, out);
      return out;
    },
    GZIP: (input, length) => {
      const out = unzipSync(input, { maxOutputLength: length });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
    // With the output buffer given, fzstd writes no more than the page header claims (a zstd bomb stops there).
    ZSTD: (input, length) => extra.decompressZstd(input, new Uint8Array(length)),
    BROTLI: extra.decompressBrotli,
    LZ4: extra.decompressLz4,
    LZ4_RAW: extra.decompressLz4Raw,
  };
  const compressors: Compressors = {};
  for (const [codec, decode] of Object.entries(decoders)) {
    compressors[codec as CompressionCodec] = (input: Uint8Array, length: number): Uint8Array => {
      if (length > MAX_PAGE_BYTES) throw new ParquetError(`a ${codec} page claims ${length} bytes decompressed, over the limit of ${MAX_PAGE_BYTES}`);
      return decode(input, length);
    };
  }
  return compressors;
}

/**
 * Bytes read from the end of the file at first: the footer of a VPC flow
 * log file is a few KiB (its size grows with row groups × columns), so one
 * read (one ranged GET on S3) usually holds the length, the magic and the
 * whole footer; a larger footer costs a second read.
 */
export const FOOTER_GUESS_BYTES = 64 << 10;

/** The footer's metadata, read after checking its length against the file. */
async function readFooter(hyparquet: Hyparquet, file: AsyncBuffer): Promise<FileMetaData> {
  const size = file.byteLength;
  if (size < 12) throw new ParquetError(`starts with PAR1 but is only ${size} bytes: a truncated Parquet file`);
  const tailStart = Math.max(0, size - FOOTER_GUESS_BYTES);
  const tailBytes = await file.slice(tailStart, size);
  const tail = new DataView(tailBytes, tailBytes.byteLength - 8);
  if (tail.getUint32(4, true) !== MAGIC) throw new ParquetError('starts with PAR1 but does not end with it: a truncated or damaged Parquet file (its footer is missing)');
  const length = tail.getUint32(0, true);
  if (length === 0 || length > size - 12) throw new ParquetError(`the Parquet footer claims ${length} bytes of metadata in a file of ${size} bytes: a damaged file`);
  if (length > MAX_FOOTER_BYTES) throw new ParquetError(`the Parquet footer claims ${length} bytes of metadata, over the limit of ${MAX_FOOTER_BYTES}`);
  const footerStart = size - 8 - length;
  // hyparquet's parquetMetadata reads the footer from the end of the buffer it is given.
  const footer = footerStart >= tailStart ? tailBytes.slice(footerStart - tailStart) : await file.slice(footerStart, size);
  try {
    return hyparquet.parquetMetadata(footer, { geoparquet: false });
  } catch (err) {
    throw new ParquetError(`the Parquet footer cannot be read: ${describe(err)}`);
  }
}

/**
 * The names of the file's columns, after checking that the schema is flat
 * (every column a top-level value: no groups, no lists) and that each row
 * group holds one chunk per column, within the file. No recursion: the
 * schema is a flat list in the footer, checked as such.
 */
function flatColumns(metadata: FileMetaData, size: number): string[] {
  const [root, ...leaves] = metadata.schema;
  if (root === undefined || leaves.length === 0) throw new ParquetError('the Parquet schema has no columns');
  if (leaves.length > MAX_COLUMNS) throw new ParquetError(`the Parquet schema has ${leaves.length} columns, over the limit of ${MAX_COLUMNS}`);
  if (root.num_children !== leaves.length) throw new ParquetError('the Parquet schema is nested (groups of columns): VPC flow logs have one column per field');
  for (const leaf of leaves) {
    if ((leaf.num_children ?? 0) > 0 || leaf.type === undefined) throw new ParquetError(`column ${JSON.stringify(leaf.name)} is a group: VPC flow logs have one column per field`);
    if (leaf.repetition_type === 'REPEATED') throw new ParquetError(`column ${JSON.stringify(leaf.name)} is a list: VPC flow logs have one value per field`);
  }
  let rows = 0n;
  for (const [i, group] of metadata.row_groups.entries()) {
    if (group.num_rows < 0n || group.num_rows > BigInt(MAX_GROUP_ROWS)) {
      throw new ParquetError(`row group ${i + 1} claims ${group.num_rows} rows, over the limit of ${MAX_GROUP_ROWS} a row group`);
    }
    if (group.columns.length !== leaves.length) throw new ParquetError(`row group ${i + 1} has ${group.columns.length} column chunks for ${leaves.length} columns`);
    for (const chunk of group.columns) checkChunk(chunk.meta_data, i, size);
    rows += group.num_rows;
  }
  if (rows !== metadata.num_rows) throw new ParquetError(`the footer claims ${metadata.num_rows} rows but its row groups hold ${rows}`);
  return leaves.map((leaf) => leaf.name);
}

function checkChunk(meta: RowGroup['columns'][number]['meta_data'], group: number, size: number): void {
  if (meta === undefined) throw new ParquetError(`row group ${group + 1}: a column chunk without metadata (in another file?): not read`);
  const start = meta.dictionary_page_offset !== undefined && meta.dictionary_page_offset > 0n ? meta.dictionary_page_offset : meta.data_page_offset;
  const end = start + meta.total_compressed_size;
  if (start < 4n || meta.total_compressed_size < 0n || end > BigInt(size)) {
    throw new ParquetError(`row group ${group + 1}: column ${JSON.stringify(meta.path_in_schema.join('.'))} claims bytes ${start}-${end}, outside the file (${size} bytes)`);
  }
}

/** A cell as hyparquet decodes it, as a ColumnValue, or undefined when no field takes its type. */
function toColumnValue(value: unknown): ColumnValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      // INT64: exact. Within 2^53 a number; beyond, the digits as they are.
      return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : new ExactNumber(value.toString());
    default:
      return value === null || value === undefined ? null : undefined;
  }
}

/** What a cell of a type no field takes is, for the error report. */
function describeCell(value: unknown): string {
  if (value instanceof Date) return 'a date or timestamp';
  if (value instanceof Uint8Array) return 'binary data';
  return `a value of type ${typeof value}`;
}

/** A row as a JSON object of its columns, for an error report's `raw` (INT64 digits exact). */
function rowText(columns: readonly string[], cells: readonly unknown[]): string {
  const parts = columns.map((name, i) => {
    const v = cells[i];
    let text: string;
    if (typeof v === 'bigint') text = v.toString();
    else if (v instanceof ExactNumber) text = v.text;
    else if (v instanceof Date) text = JSON.stringify(Number.isNaN(v.getTime()) ? String(v) : v.toISOString());
    else if (v instanceof Uint8Array) text = JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
    else if (typeof v === 'number' && !Number.isFinite(v)) text = JSON.stringify(String(v));
    else text = JSON.stringify(v ?? null) ?? 'null';
    return `${JSON.stringify(name)}:${text}`;
  });
  return `{${parts.join(',')}}`;
}

/** One decoded column of a row group: its pieces (hyparquet hands a column in pages), read in order. */
class ColumnCursor {
  private pieces: Array<{ start: number; data: ArrayLike<unknown> }> = [];
  private piece = 0;
  private offset = 0;

  add(start: number, data: ArrayLike<unknown>): void {
    this.pieces.push({ start, data });
  }

  /**
   * Orders the pieces and sets the cursor on row `first`; false when they do
   * not cover rows [first, first + rows) without a gap. Pieces are whole
   * pages, so the first may start before `first` and the last end after.
   */
  ready(first: number, rows: number): boolean {
    const pieces = this.pieces.sort((a, b) => a.start - b.start);
    const head = pieces[0];
    if (head === undefined) return rows === 0;
    if (head.start > first) return false;
    let at = head.start;
    for (const p of pieces) {
      if (p.start !== at) return false;
      at += p.data.length;
    }
    if (at < first + rows) return false;
    let skip = first - head.start;
    while (skip >= pieces[this.piece]!.data.length) skip -= pieces[this.piece++]!.data.length;
    this.offset = skip;
    return true;
  }

  next(): unknown {
    let p = this.pieces[this.piece]!;
    while (this.offset >= p.data.length) {
      this.piece++;
      this.offset = 0;
      p = this.pieces[this.piece]!;
    }
    return p.data[this.offset++];
  }
}

/** Everything the pipeline gives the Parquet reader for one input. */
export interface ParquetJob {
  source: ParquetSource;
  /** --type; undefined means detect from the columns. */
  logType?: LogTypeDescriptor;
  candidates: readonly LogTypeDescriptor[];
  newProcessor: (type: LogTypeDescriptor) => RecordProcessor;
  parserOptions: ParserOptions;
  /** Called between batches of rows with the file bytes read since the last call. */
  afterRows: (bytes: number) => Promise<void>;
  setLive: (live: () => Pick<Counts, 'written' | 'failed'>) => void;
}

export interface ParquetResult {
  counts: Map<string, Counts>;
  logType?: string;
  problem?: string;
}

/** The message for an error thrown while reading (hyparquet's, ours, or the file system's). */
function describe(err: unknown): string {
  // hyparquet trusts the bytes it decodes: a damaged file surfaces as a TypeError or a RangeError.
  if (err instanceof RangeError || err instanceof TypeError) return `${err.message} (a damaged Parquet file)`;
  return err instanceof Error ? err.message : String(err);
}

function hasColumnar(type: LogTypeDescriptor): type is LogTypeDescriptor & { columnar: ColumnarInput } {
  return type.columnar !== undefined;
}

/** The type of the file's rows: --type, or the one candidate whose columnar hook takes these columns. */
function chooseType(job: Pick<ParquetJob, 'logType' | 'candidates'>, columns: readonly string[]): (LogTypeDescriptor & { columnar: ColumnarInput }) | string {
  const shown = columns.length > 12 ? `${columns.slice(0, 12).join(', ')}, …` : columns.join(', ');
  const none = `a Parquet file whose columns (${shown}) are no VPC flow log layout: not read; only VPC flow logs are read from Parquet`;
  if (job.logType !== undefined) {
    if (!hasColumnar(job.logType)) return `a Parquet file, but ${job.logType.name} is not delivered as Parquet (AWS delivers only VPC flow logs so): not read`;
    // As a text header of mostly unknown names is refused: its rows would be written under invented names.
    return job.logType.columnar.matches(columns) ? job.logType : none;
  }
  return job.candidates.filter(hasColumnar).find((t) => t.columnar.matches(columns)) ?? none;
}

/**
 * Normalizes one Parquet file: rows of a row group at a time, each through
 * the type's RowParser and the usual RecordProcessor (p_ fields, validation,
 * output). A fault part way (a damaged page) stops the input with a
 * `problem` naming the row group; the rows before it are written.
 */
export async function normalizeParquet(job: ParquetJob): Promise<ParquetResult> {
  const hyparquet = await import('hyparquet');
  let opened: OpenedSource;
  try {
    opened = await openParquetSource(job.source);
  } catch (err) {
    return { counts: new Map(), problem: describe(err) };
  }
  try {
    return await readFile(job, hyparquet, opened.file);
  } finally {
    await opened.close();
  }
}

/** The file's footer and columns, checked; or why they cannot be read. */
async function openFooter(hyparquet: Hyparquet, file: AsyncBuffer): Promise<{ file: AsyncBuffer; metadata: FileMetaData; columns: string[] } | string> {
  try {
    const metadata = await readFooter(hyparquet, file);
    return { file, metadata, columns: flatColumns(metadata, file.byteLength) };
  } catch (err) {
    return describe(err);
  }
}

/** `awslogs detect` for a Parquet file: its type from its footer's columns, no row read. */
export async function detectParquet(source: ParquetSource, candidates: readonly LogTypeDescriptor[]): Promise<{ type?: string; reason: string; problem?: string }> {
  const hyparquet = await import('hyparquet');
  let opened: OpenedSource;
  try {
    opened = await openParquetSource(source);
  } catch (err) {
    return { reason: describe(err), problem: describe(err) };
  }
  try {
    const footer = await openFooter(hyparquet, opened.file);
    if (typeof footer === 'string') return { reason: footer, problem: footer };
    const type = chooseType({ candidates }, footer.columns);
    return typeof type === 'string' ? { reason: type } : { type: type.name, reason: 'Parquet file whose columns are its fields' };
  } finally {
    await opened.close();
  }
}

async function readFile(job: ParquetJob, hyparquet: Hyparquet, file: AsyncBuffer): Promise<ParquetResult> {
  const footer = await openFooter(hyparquet, file);
  if (typeof footer === 'string') return { counts: new Map(), problem: footer };
  const { metadata, columns } = footer;
  const type = chooseType(job, columns);
  // One message, said once: no record of the file is read (exit 2).
  if (typeof type === 'string') return { counts: new Map(), problem: type };
  const parser = type.columnar.createParser(columns, job.parserOptions);
  if (typeof parser === 'string') return { counts: new Map(), logType: type.name, problem: `Parquet columns: ${parser}` };
  const processor = job.newProcessor(type);
  job.setLive(() => processor.counts);
  const result: ParquetResult = { counts: new Map([[type.name, processor.counts]]), logType: type.name };
  const compressors = await loadCompressors(hyparquet);
  let groupStart = 0;
  for (const [index, group] of metadata.row_groups.entries()) {
    const rows = Number(group.num_rows);
    // Progress counts the group's bytes once, after its last row.
    const groupBytes = Number(group.total_compressed_size ?? group.columns.reduce((n, c) => n + (c.meta_data?.total_compressed_size ?? 0n), 0n));
    try {
      if (rows > 0) {
        await readGroup(hyparquet, { file, metadata, compressors, columns }, { job, processor, parser }, groupStart, rows, groupBytes);
        // The group's decoded columns are unreachable now: let them go before the next group is decoded.
        releaseHeap();
      } else {
        await afterRows(job, groupBytes);
      }
    } catch (err) {
      if (err instanceof OutputStop) throw err.cause;
      result.problem = `row group ${index + 1} (rows ${groupStart + 1}-${groupStart + rows}): ${describe(err)}`;
      return result;
    }
    groupStart += rows;
  }
  return result;
}

/** An error of the output side (a full disk), carried through the row loop untouched: it is not the file's fault. */
class OutputStop extends Error {}

interface GroupRead {
  file: AsyncBuffer;
  metadata: FileMetaData;
  compressors: Compressors;
  columns: readonly string[];
}

/** Decodes one row group and hands its rows on; nothing of it stays reachable once this returns. */
async function readGroup(hyparquet: Hyparquet, read: GroupRead, emit: { job: ParquetJob; processor: RecordProcessor; parser: RowParser },
  first: number, rows: number, groupBytes: number): Promise<void> {
  const cursors = await readRows(hyparquet, read, first, rows);
  await emitRows(emit.job, emit.processor, emit.parser, read.columns, cursors, first, rows, groupBytes);
}

/** Decodes rows [first, first + rows) of one row group: a cursor per column, in the order of `columns`. */
async function readRows(hyparquet: Hyparquet, read: GroupRead, first: number, rows: number): Promise<ColumnCursor[]> {
  const byName = new Map(read.columns.map((c) => [c, new ColumnCursor()]));
  await hyparquet.parquetRead({
    file: read.file,
    metadata: read.metadata,
    compressors: read.compressors,
    rowStart: first,
    rowEnd: first + rows,
    onChunk: ({ columnName, columnData, rowStart }) => byName.get(columnName)?.add(rowStart, columnData),
  });
  const cursors = read.columns.map((c) => byName.get(c)!);
  for (const [i, cursor] of cursors.entries()) {
    if (!cursor.ready(first, rows)) throw new ParquetError(`column ${JSON.stringify(read.columns[i])} does not hold one value for each of the ${rows} rows`);
  }
  return cursors;
}

/** Hands the rows of a decoded row group to the processor, flushing between batches. */
async function emitRows(job: ParquetJob, processor: RecordProcessor, parser: RowParser, columns: readonly string[],
  cursors: readonly ColumnCursor[], groupStart: number, rows: number, groupBytes: number): Promise<void> {
  const cells: unknown[] = new Array<unknown>(columns.length);
  const values: ColumnValue[] = new Array<ColumnValue>(columns.length).fill(null);
  const raw = (): string => rowText(columns, cells);
  for (let r = 0; r < rows; r++) {
    let unreadable: string | undefined;
    for (let c = 0; c < cursors.length; c++) {
      const cell = cursors[c]!.next();
      cells[c] = cell;
      const v = toColumnValue(cell);
      if (v === undefined) unreadable ??= `column ${JSON.stringify(columns[c])}: ${describeCell(cell)}, which no field of this type takes`;
      else values[c] = v;
    }
    const row = groupStart + r + 1;
    if (unreadable !== undefined) processor.rejectRow(unreadable, row, raw());
    else processor.row(parser, values, row, raw);
    if ((r + 1) % ROWS_PER_BATCH === 0 || r + 1 === rows) await afterRows(job, r + 1 === rows ? groupBytes : 0);
  }
}

/** job.afterRows, its failure (the output's, such as a full disk) marked as not the file's. */
async function afterRows(job: ParquetJob, bytes: number): Promise<void> {
  try {
    await job.afterRows(bytes);
  } catch (err) {
    throw new OutputStop('output', { cause: err });
  }
}
