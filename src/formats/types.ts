// The shape of an output format descriptor (src/formats/index.ts).

export type FormatName = 'ndjson' | 'ocsf';

/** What a converter made of one native record: the value to write, or why it cannot be written. */
export type Converted =
  | { record: Record<string, unknown>; error?: undefined; partition?: string }
  | { error: string; record?: undefined };

/** Native record (its fields and p_ fields, already validated) → output record. */
export type RecordConverter = (record: Record<string, unknown>) => Converted;

export interface OutputFormat {
  readonly name: FormatName;
  readonly description: string;
  /** The --out-dir file name ending, before `.gz`: `.ndjson`, `.ocsf.ndjson`. */
  readonly extension: string;
  /**
   * Loads the format's code (a dynamic import, so a run in another format
   * never loads it) and gives the maker of the converter for one log type,
   * called once per input. Absent when records are written as they are.
   */
  converters?(): Promise<(logType: string) => RecordConverter>;
}
