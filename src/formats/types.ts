// The shape of an output format descriptor (src/formats/index.ts).

export type FormatName = 'ndjson' | 'ocsf' | 'parquet';

/** What a converter made of one native record: the value to write, or why it cannot be written. */
export type Converted =
  | { record: Record<string, unknown>; error?: undefined; partition?: string }
  | { error: string; record?: undefined };

/** Native record (its fields and p_ fields, already validated) → output record. */
export type RecordConverter = (record: Record<string, unknown>) => Converted;

/**
 * Where the records of a format written from objects, not lines, go
 * (Parquet: column buffers). The pipeline calls it as it calls its line
 * writer: `writeRecord` for each converted record, `flush` between input
 * chunks when `full`, and `close` once at the end of the run.
 */
export interface RecordSink {
  /** Takes a converted record. @throws RecordRefused when this sink cannot hold it (an error report for that record). */
  writeRecord(record: object): void;
  /** Enough is buffered that `flush` should run before more input is read. */
  readonly full: boolean;
  /** Writes what is buffered out (whole row groups); resolves when the destination has taken it. */
  flush(): Promise<void>;
  /** Writes the rest and completes every file; resolves with the names of the files completed. */
  close(): Promise<string[]>;
  /** Abandons the files being written (a failure or an interrupt): none is completed. */
  abort(): Promise<void>;
}

/** A record a sink cannot hold (a second log type in a one-file output): the message is the error report's. */
export class RecordRefused extends Error {}

/** One output file of a record sink, opened by the pipeline (a local file, an S3 upload, stdout). */
export interface PartFile {
  /** Writes bytes; resolves when the destination can take more. Rejects when the output failed. */
  write(chunk: Uint8Array): Promise<void>;
  /** Completes the file (renamed into place, upload completed); resolves with its name. */
  commit(): Promise<string>;
  abort(): Promise<void>;
}

export interface RecordSinkOptions {
  /** Opens the `part`-th file (0, 1, …) of the log type `table`. */
  open(table: string, part: number): Promise<PartFile>;
  /** Rows a file holds at most before the next part is opened (--max-file-rows). */
  maxFileRows: number;
  /** One file, so one log type (stdout): records of a second type are refused. */
  singleTable: boolean;
  /** The log type whose (empty) file is written when no record came (--type named it); without it, no file. */
  emptyTable?: string;
}

export interface OutputFormat {
  readonly name: FormatName;
  readonly description: string;
  /** The --out-dir file name ending, before `.gz`: `.ndjson`, `.ocsf.ndjson`, `.parquet`. */
  readonly extension: string;
  /**
   * Loads the format's code (a dynamic import, so a run in another format
   * never loads it) and gives the maker of the converter for one log type,
   * called once per input. Absent when records are written as they are.
   */
  converters?(): Promise<(logType: string) => RecordConverter>;
  /**
   * Present for formats written from record objects by a RecordSink
   * (Parquet) instead of as lines: loads the format's code and gives the
   * sink maker. Such a format packs the records of a run, not one output
   * per input.
   */
  recordSink?(): Promise<(options: RecordSinkOptions) => RecordSink>;
}
