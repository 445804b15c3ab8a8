// One input through the pipeline: read → decompress → frame → parse →
// enrich → validate → write. Every framed record ends as exactly one of: a
// line on stdout, an error report, or a counted skip (header, control line).
import { IndicatorCollector, type IndicatorExtractor } from '../core/indicators.js';
import { indicatorExtractorFor } from './indicator_code.js';
import { makeErrorReport, makeRowErrorReport, type AnyErrorReport } from '../core/errors.js';
import type { StandardFields } from '../core/standard.js';
import { RecordRefused, type RecordConverter } from '../formats/index.js';
import { writeSourceFields, type DeliveryFacts } from '../core/source_fields.js';
import type { ColumnValue, LogTypeDescriptor, Fields, Framing, Parser, ParseSink, ParserOptions, RowParser } from '../logtypes/types.js';
import { InputError } from './input.js';
import { JsonFramer } from './json.js';
import { LineFramer, type Framer, type RecordHandler } from './lines.js';
import { emptyCounts, type Counts } from './report.js';
import { validatorFor, type RecordValidator } from './validate.js';

/** Where normalized lines go (a BatchedWriter, or nowhere for a probe). */
export interface OutputSink {
  /** Writes the record as one JSON line, or throws and writes nothing (RecordRefused: an error report). */
  writeRecord(record: Fields): void;
}

/** An OutputSink the pipeline flushes between chunks: a BatchedWriter, or a format's RecordSink (Parquet). */
export interface RecordOutput extends OutputSink {
  readonly full: boolean;
  flush(): Promise<void>;
}

/** Where error reports and per-input notices go (the Reporter, or nowhere for a probe). */
export interface ErrorSink {
  error(report: AnyErrorReport): void;
  notice(file: string, message: string): void;
}

/** An ErrorSink the pipeline may ask to write out what it has gathered, between chunks. */
export interface ReportSink extends ErrorSink {
  flushIfFull(): Promise<void>;
}

/**
 * --since/--until/--filter-ip, applied to normalized records. Records
 * outside are counted as skipped (and filtered), never as errors.
 */
export interface RecordFilter {
  /** Inclusive bounds on p_event_time, in the nine-digit form (string order is time order). */
  since?: string;
  until?: string;
  /** Keep records whose p_any_ip_addresses hold one of these (canonical form). */
  ips?: ReadonlySet<string>;
}

/** One spelling per address, so `2001:db8::1` matches `2001:0db8:0:0:0:0:0:1`. */
export function canonicalIp(ip: string): string {
  if (ip.indexOf(':') < 0) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

function passes(filter: RecordFilter, fields: Fields): boolean {
  const t = fields.p_event_time as string;
  if (filter.since !== undefined && t < filter.since) return false;
  if (filter.until !== undefined && t > filter.until) return false;
  if (filter.ips !== undefined) {
    const ips = fields.p_any_ip_addresses;
    if (!Array.isArray(ips)) return false;
    for (const ip of ips as string[]) if (filter.ips.has(canonicalIp(ip))) return true;
    return false;
  }
  return true;
}

export const NOWHERE: OutputSink & ErrorSink = { writeRecord() {}, error() {}, notice() {} };

/** Turns parser callbacks into output lines, error reports and counts. */
export class RecordProcessor implements ParseSink, RecordHandler {
  readonly counts: Counts = emptyCounts();
  readonly logTypeName: string;
  private readonly parser: Parser;
  private readonly validate: RecordValidator;
  private readonly indicators = new IndicatorCollector();
  /** The log type's declared indicator fields into `indicators` (generated named loads: see indicator_code.ts). */
  private readonly extractIndicators: IndicatorExtractor;
  private line = 0;
  private raw = '';
  private outcomes = 0;
  /** While attempting (per-line detection), the first failure instead of a report. */
  private attempting = false;
  private attemptFailure: string | undefined;
  /** Set while a log event of a payload is processed (CloudWatch Logs): its p_source_* facts and index. */
  private delivery: DeliveryFacts | undefined;
  private logEvent: number | undefined;
  /** Set while a row of columnar input is processed: its text for a report (made only then), which names `row`. */
  private rowRaw: (() => string) | undefined;

  constructor(
    private readonly file: string,
    private readonly logType: LogTypeDescriptor,
    parserOptions: ParserOptions,
    private readonly standard: StandardFields,
    private readonly out: OutputSink,
    private readonly errors: ErrorSink,
    private readonly filter?: RecordFilter,
    /** --format ocsf (…): turns each validated record into what is written; a failure is an error report. */
    private readonly convert?: RecordConverter,
  ) {
    this.parser = logType.createParser(parserOptions);
    this.validate = validatorFor(logType.name);
    this.logTypeName = logType.name;
    this.extractIndicators = indicatorExtractorFor(logType.name, logType.indicators);
  }

  /** One framed record: a line, or a JSON document or array element (`shortNumbersOnly`: see Parser.parse). */
  record(text: string, line: number, shortNumbersOnly?: boolean): void {
    this.line = line;
    this.raw = text;
    this.outcomes = 0;
    try {
      this.parser.parse(text, this, shortNumbersOnly);
    } catch (err) {
      // A parser bug must not lose the record or kill the run.
      this.indicators.clear();
      // JSON.stringify recurses: a record nested thousands of levels deep that
      // no JSON framer checked (--detect per-line) overflows the stack there.
      this.error(err instanceof RangeError && err.message.includes('call stack')
        ? 'record nested too deeply to be written (stack overflow); use --type so its JSON is framed and checked'
        : `internal error while parsing: ${(err as Error).message ?? String(err)}`);
    }
    if (this.outcomes === 0) this.error('the parser produced no event for this record');
  }

  /**
   * One row of columnar input (Parquet): `row` is its 1-based number in the
   * file; `raw` renders it for an error report, called only then (most rows
   * never need their text).
   */
  row(parser: RowParser, values: readonly ColumnValue[], row: number, raw: () => string): void {
    this.line = row;
    this.rowRaw = raw;
    this.outcomes = 0;
    try {
      parser.parseRow(values, this);
    } catch (err) {
      // A parser bug must not lose the row or kill the run.
      this.indicators.clear();
      this.error(`internal error while parsing: ${(err as Error).message ?? String(err)}`);
    }
    if (this.outcomes === 0) this.error('the parser produced no event for this row');
    this.rowRaw = undefined;
  }

  /** A row the reader could not hand on as cells (a value of a type no field takes). */
  rejectRow(message: string, row: number, raw: string): void {
    this.counts.read++;
    this.counts.failed++;
    this.errors.error(makeRowErrorReport(this.file, row, this.logTypeName, message, raw));
  }

  /**
   * Tries a record of unknown type: a success is written and counted as
   * usual; a failure is neither reported nor counted, and its message is
   * returned so the caller can try another type.
   */
  attempt(text: string, line: number, shortNumbersOnly?: boolean): string | undefined {
    const before = { ...this.counts };
    this.attempting = true;
    this.attemptFailure = undefined;
    try {
      this.record(text, line, shortNumbersOnly);
    } finally {
      this.attempting = false;
    }
    if (this.attemptFailure !== undefined) Object.assign(this.counts, before);
    return this.attemptFailure;
  }

  /**
   * The next records are log events delivered in a payload: their facts
   * become p_source_* fields (and p_event_time when the record has no time
   * of its own), and an error report names `logEvent`. Undefined: plain input.
   */
  deliver(facts: DeliveryFacts | undefined, logEvent?: number): void {
    this.delivery = facts;
    this.logEvent = logEvent;
  }

  /** Input the framer could not make a record of (a line over --max-line-bytes). */
  reject(message: string, raw: string, line: number, length?: number): void {
    this.counts.read++;
    this.counts.failed++;
    this.errors.error(makeErrorReport(this.file, line, this.logTypeName, message, raw, length));
  }

  event(fields: Fields): void {
    this.outcomes++;
    const lt = this.logType;
    const collector = this.indicators;
    this.extractIndicators(fields, collector);
    lt.collectIndicators?.(fields, collector);
    this.standard.apply(fields, this.logTypeName, this.eventTime(fields) ?? this.delivery?.time, collector);
    if (this.delivery !== undefined) writeSourceFields(fields, this.delivery);
    const problem = this.validate(fields);
    if (problem !== undefined) {
      this.outcomes--; // error() counts the outcome
      return this.error(problem);
    }
    if (this.attempting && this.attemptFailure !== undefined) return;
    if (this.filter !== undefined && !passes(this.filter, fields)) {
      this.counts.read++;
      this.counts.skipped++;
      this.counts.filtered++;
      return;
    }
    if (this.convert !== undefined) {
      const converted = this.convert(fields);
      if (converted.error !== undefined) {
        this.outcomes--; // error() counts the outcome
        return this.error(converted.error);
      }
      try {
        this.out.writeRecord(converted.record);
      } catch (err) {
        if (!(err instanceof RecordRefused)) throw err;
        this.outcomes--; // error() counts the outcome
        return this.error(err.message);
      }
    } else {
      this.out.writeRecord(fields);
    }
    this.counts.read++;
    this.counts.written++;
  }

  private eventTime(fields: Fields): string | undefined {
    const t = fields[this.logType.eventTimeField];
    if (typeof t === 'string') return t;
    for (const f of this.logType.eventTimeFallbacks ?? []) {
      const v = fields[f];
      if (typeof v === 'string') return v;
    }
    return undefined;
  }

  skip(): void {
    this.outcomes++;
    this.counts.read++;
    this.counts.skipped++;
  }

  error(message: string): void {
    this.outcomes++;
    this.indicators.clear();
    if (this.attempting) {
      this.attemptFailure ??= message;
      return;
    }
    this.counts.read++;
    this.counts.failed++;
    this.errors.error(this.rowRaw !== undefined
      ? makeRowErrorReport(this.file, this.line, this.logTypeName, message, this.rowRaw())
      : makeErrorReport(this.file, this.line, this.logTypeName, message, this.raw, undefined, this.logEvent));
  }

  notice(message: string): void {
    this.errors.notice(this.file, `${this.logTypeName}: ${message}`);
  }
}

export function createFramer(framing: Framing, handler: RecordHandler, maxLineBytes: number): Framer {
  switch (framing) {
    case 'lines': return new LineFramer(handler, maxLineBytes);
    case 'json': return new JsonFramer(handler);
  }
}

/**
 * Feeds decompressed chunks to a framer. When reading fails part way, the
 * records before the fault have been handled and the InputError's message
 * is returned; the half record at a cut is reported as incomplete.
 */
export async function frameChunks(
  chunks: AsyncIterable<Buffer>,
  framer: Framer,
  afterChunk: () => Promise<void>,
): Promise<string | undefined> {
  try {
    for await (const chunk of chunks) {
      framer.push(chunk);
      await afterChunk();
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    framer.end(err.cutShort);
    return err.message;
  }
  framer.end();
  return undefined;
}

export interface InputResult {
  /** Counts per log type (several with --detect per-line). */
  counts: Map<string, Counts>;
  /** Set when the input could not be read or decompressed to its end. */
  problem?: string;
}

export function addCounts(into: Counts, c: Counts): void {
  into.read += c.read;
  into.written += c.written;
  into.failed += c.failed;
  into.skipped += c.skipped;
  into.filtered += c.filtered;
}

export { emptyCounts };
