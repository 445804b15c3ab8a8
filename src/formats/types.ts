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
   * The converter for one log type, made once per input (it may load a
   * validator); undefined when records are written as they are. Only
   * called for a format that was asked for, so the default path loads nothing.
   */
  converterFor?(logType: string): RecordConverter;
}
