// What a log type is, as data: the registry table in ./index.ts lists one
// descriptor per type. A log type never runs stream plumbing: its framing is a
// declared kind that the pipeline acts on.
import type { ExactNumber } from '../core/exact_number.js';
import type { IndicatorCollector, IndicatorKind } from '../core/indicators.js';

export type Fields = Record<string, unknown>;

/** How the pipeline cuts the input into records before `parse` sees them. */
export type Framing =
  | 'lines' // one record per line; blank lines skipped
  | 'json'; // a sequence of JSON documents; wrapper arrays streamed element by element

/** Where a parser sends what it made of one piece of input. */
export interface ParseSink {
  /** A normalized event (its own fields; the p_ fields are added later). */
  event(fields: Fields): void;
  /** Input that is not an event and not an error: a header, a control line. */
  skip(reason: string): void;
  /** The record is bad: say which field, what was expected and what was found. */
  error(message: string): void;
  /** A per-input fact worth telling once (an unknown header field), not per record. */
  notice(message: string): void;
}

export interface Parser {
  /**
   * Parses one record's text (a line, or one JSON document or array element).
   * `shortNumbersOnly`: set by the JSON framer when its scan of this record
   * found no number token of 16 or more digits and dots and none with an
   * exponent, so JSON.parse keeps every number exactly and a JSON parser
   * need not look for one that needs its text (core/exact_number.ts).
   * Absent or false: nobody looked (line framing, JSON inside a string).
   */
  parse(text: string, sink: ParseSink, shortNumbersOnly?: boolean): void;
}

/**
 * One cell of a row of columnar input (Parquet), as the pipeline hands it
 * on: a string (STRING/BYTE_ARRAY), a number (INT32, FLOAT, DOUBLE, and
 * INT64 up to 2^53), an ExactNumber (INT64 beyond 2^53: never rounded), a
 * boolean, or null (an absent value, as `-` is in text). The log type never
 * sees the file format.
 */
export type ColumnValue = string | number | boolean | ExactNumber | null;

/** Parses the rows of one columnar input; made per input by ColumnarInput.createParser. */
export interface RowParser {
  /** One row: `values[i]` is the cell of the i-th column given to createParser. */
  parseRow(values: readonly ColumnValue[], sink: ParseSink): void;
}

/**
 * What a log type offers for columnar input (Parquet files), where the file's
 * schema names the columns instead of a header line.
 */
export interface ColumnarInput {
  /** Whether a file with these columns (names as written in it) holds this type's records: detection. */
  matches(columns: readonly string[]): boolean;
  /** A parser for rows of these columns, or why this type cannot read them (a message). */
  createParser(columns: readonly string[], options: ParserOptions): RowParser | string;
}

export interface ParserOptions {
  /** VPC: the field list for header-less input (`--vpc-format`). */
  vpcFormat?: string;
  /**
   * The records come one by one, never with a header line (log events
   * delivered through a log service): a record that looks like a header is
   * an error, not a new layout.
   */
  headerless?: boolean;
  /**
   * Keys the pipeline adds to each of this parser's records after the
   * standard p_ fields (where a delivery says the record came from). A parser
   * that makes records from a template (core recordMaker) puts them in it, so
   * adding them later keeps the record's shape; others may ignore them.
   */
  recordKeys?: readonly string[];
}

export interface LogTypeDescriptor {
  /** `AWS.VPCFlow` */
  readonly name: string;
  readonly description: string;
  /** The AWS page that defines the format. */
  readonly referenceUrl: string;
  readonly framing: Framing;
  /** The field whose (normalized) value is p_event_time. */
  readonly eventTimeField: string;
  /** Fields used when eventTimeField is absent, in order; then the parse time. */
  readonly eventTimeFallbacks?: readonly string[];
  /** Indicator fields declared as data: [field, kind]. Strings or arrays of strings. */
  readonly indicators: ReadonlyArray<readonly [field: string, kind: IndicatorKind]>;
  /** Indicators that need code (nested blobs, URL lists); runs after `indicators`. */
  readonly collectIndicators?: (fields: Fields, collector: IndicatorCollector) => void;
  /**
   * A folder name AWS uses for this type in S3 keys (`/vpcflowlogs/`): a
   * strong hint for detection when the input's path contains it.
   */
  readonly s3PathHint?: string;
  /** Set when AWS delivers this type as columnar files too (VPC flow logs as Parquet). */
  readonly columnar?: ColumnarInput;
  /**
   * Lines framing only: whether a line changes how the lines after it are
   * read (VPC's header line names the fields of the lines that follow). A
   * type without it reads every line on its own, so an input may be cut at
   * any line end and its pieces read apart (--jobs on one input); with it,
   * a piece is read after the last such line before it.
   */
  readonly layoutLine?: (line: string) => boolean;
  /** One parser per input: parsers may hold per-file state (a VPC header). */
  createParser(options: ParserOptions): Parser;
}
