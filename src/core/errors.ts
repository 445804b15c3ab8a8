// Errors are values with a location, never bare throws: every input record
// ends either as a line on stdout or as one of these reports (OUTPUT.md).

/** Longest `raw` kept in a report; the full length is noted when cut. */
export const MAX_RAW_CHARS = 64 * 1024;

export interface ErrorReport {
  /** Input path, or `-` for stdin. */
  file: string;
  /** 1-based line where the record starts (for a log event delivered in a payload: where the payload starts). */
  line: number;
  /** A log event inside a payload (CloudWatch Logs): its index in `logEvents` or `events`, from 0. */
  logEvent?: number;
  logType?: string;
  /** What was wrong, naming the field, what was expected and what was found. */
  error: string;
  /** The record's original text (cut at MAX_RAW_CHARS, see rawLength). */
  raw: string;
  /** Set when `raw` was cut: the record's full length in characters. */
  rawLength?: number;
}

/**
 * `rawLength`: the record's full length when `raw` is already only its start
 * (a framer that never held the whole record, such as an over-long line).
 * `logEvent`: the record is a log event inside a payload that starts on `line`.
 */
export function makeErrorReport(file: string, line: number, logType: string | undefined, error: string, raw: string, rawLength?: number, logEvent?: number): ErrorReport {
  const cut = raw.length > MAX_RAW_CHARS || (rawLength !== undefined && rawLength > raw.length);
  const kept = raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
  // object literals keep the documented key order: file, line, logEvent, logType, error, raw
  const report: ErrorReport = logEvent !== undefined
    ? (logType === undefined ? { file, line, logEvent, error, raw: kept } : { file, line, logEvent, logType, error, raw: kept })
    : logType === undefined
      ? { file, line, error, raw: kept }
      : { file, line, logType, error, raw: kept };
  if (cut) report.rawLength = rawLength !== undefined && rawLength > raw.length ? rawLength : raw.length;
  return report;
}

/**
 * The report for a row of columnar input (Parquet): as ErrorReport, with
 * `row` (1-based row in the file, counting every row group) where a text
 * input has `line`. `raw` is the row as a JSON object of its columns.
 */
export type RowErrorReport = Omit<ErrorReport, 'line' | 'logEvent'> & { row: number };

/** Any error report: of a line (text and JSON input) or of a row (Parquet). */
export type AnyErrorReport = ErrorReport | RowErrorReport;

/** makeErrorReport for a row of columnar input; keys in order file, row, logType, error, raw. */
export function makeRowErrorReport(file: string, row: number, logType: string | undefined, error: string, raw: string): RowErrorReport {
  const kept = raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
  const report: RowErrorReport = logType === undefined ? { file, row, error, raw: kept } : { file, row, logType, error, raw: kept };
  if (raw.length > MAX_RAW_CHARS) report.rawLength = raw.length;
  return report;
}

/** Shows a value inside an error message, cut so one message stays one short line. */
export function quoteValue(value: string, max = 80): string {
  const shown = value.length > max ? value.slice(0, max) + '…' : value;
  return JSON.stringify(shown);
}
