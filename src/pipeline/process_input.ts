// One input, whichever way its type is known: named with --type, detected
// from its first records, or decided line by line (--detect per-line).
import type { StandardFields } from '../core/standard.js';
import { makeErrorReport } from '../core/errors.js';
import type { LogTypeDescriptor, ParserOptions } from '../logtypes/types.js';
import { findFormat, type FormatName } from '../formats/index.js';
import { InputError, localFile, readInput, shownPath, type InputInfo, type InputPath } from './input.js';
import { detectParquet, normalizeParquet, startsWithParquetMagic } from './parquet.js';
import { ParquetFound, type ParquetSource } from './parquet_source.js';
import { checkedInput } from './sniff.js';
import { spanClock, type Span } from './type_time.js';
import { LineFramer, type RecordHandler } from './lines.js';
import { describeDetection, detectFromSample, SAMPLE_BYTES } from './detect.js';
import { EXPORT_WRITE_TEST_NOTICE, EnvelopeHandler, envelopeFramer, isExportWriteTest, labelOfInput, sniffEnvelope } from './envelope.js';
import { RecordProcessor, addCounts, createFramer, emptyCounts, frameChunks, type ErrorSink, type InputResult, type RecordFilter, type RecordOutput, type ReportSink } from './normalize.js';
import { BatchedWriter } from './output.js';
import type { Counts } from './report.js';
import { CHUNK_BYTES, frameInChunks, type ChunkPool } from './chunks.js';
import { restoreHeapDefaults } from './heap_release.js';

export type DetectMode = 'input' | 'per-line';

export interface InputSettings {
  /** The type named with --type; undefined means detect. */
  logType?: LogTypeDescriptor;
  detect: DetectMode;
  /** The types detection may choose from. */
  candidates: readonly LogTypeDescriptor[];
  parserOptions: ParserOptions;
  /** Longest line accepted by line framing, in UTF-8 bytes (--max-line-bytes). */
  maxLineBytes: number;
  filter?: RecordFilter;
  /** --format: what each record is written as (default ndjson, the native record). */
  format?: FormatName;
  /** --jobs N on one input: worker threads that read its chunks (text inputs of a known type). */
  chunkPool?: ChunkPool;
}

/** Called between chunks: what the run wants to know, or stop, while an input is read. */
export interface InputHooks {
  /** An output failure (full disk) stops reading at once. */
  outputFailure?: () => Error | undefined;
  /**
   * Since the last call: input bytes read (compressed, as on disk: for the
   * ETA against file sizes), records written, records failed, and bytes of
   * text read (decompressed: for the MB/s a person compares with the data).
   */
  progress?: (bytes: number, written: number, failed: number, textBytes: number) => void;
  /** A temporary output file appears (true) or goes away (false): removed on an interrupt. */
  temporary?: (path: string, exists: boolean) => void;
}

/** The name under which records of no known type are counted. */
export const UNKNOWN_TYPE = 'unknown';

interface Sample {
  chunks: Buffer[];
  ended: boolean;
  /** A read fault within the sample, raised again when the sample is replayed. */
  fault?: InputError;
}

/**
 * Read on past SAMPLE_BYTES until the sample holds a line end, up to this
 * many bytes: what the 1 MiB reads before issue 19 gave detection, so a very
 * long first line (a VPC header of thousands of fields) is still seen whole.
 */
const SAMPLE_LINE_BYTES = 1 << 20;

/** Reads the first SAMPLE_BYTES of decompressed input (more for a long first line), keeping it for replay. */
async function takeSample(source: AsyncIterator<Buffer>): Promise<Sample> {
  const chunks: Buffer[] = [];
  let size = 0;
  let lineEnd = false;
  try {
    while (size < SAMPLE_BYTES || (!lineEnd && size < SAMPLE_LINE_BYTES)) {
      const next = await source.next();
      if (next.done) return { chunks, ended: true };
      chunks.push(next.value);
      size += next.value.length;
      lineEnd ||= next.value.includes(10) || next.value.includes(13);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { chunks, ended: true, fault: err };
  }
  return { chunks, ended: false };
}

async function* replay(sample: Sample, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* sample.chunks;
  if (sample.fault !== undefined) throw sample.fault;
  if (sample.ended) return;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** Every record of an input whose type is unknown becomes an error report. */
class UnknownTypeHandler implements RecordHandler {
  readonly counts: Counts = emptyCounts();
  constructor(private readonly file: string, private readonly reason: string, private readonly errors: ErrorSink) {}
  record(text: string, line: number): void {
    this.reject(this.reason, text, line);
  }
  reject(message: string, raw: string, line: number, length?: number): void {
    this.counts.read++;
    this.counts.failed++;
    this.errors.error(makeErrorReport(this.file, line, undefined, message, raw, length));
  }
}

/**
 * --detect per-line: each line is tried with every type, the type that
 * parsed the previous line first (mixed streams come in runs).
 */
class PerLineHandler implements RecordHandler {
  readonly unknown: Counts = emptyCounts();
  private readonly order: RecordProcessor[];

  constructor(private readonly file: string, readonly processors: RecordProcessor[], private readonly errors: ErrorSink) {
    this.order = [...processors];
  }

  record(text: string, line: number): void {
    const order = this.order;
    let firstFailure: string | undefined;
    for (let i = 0; i < order.length; i++) {
      const p = order[i]!;
      const failure = p.attempt(text, line);
      if (failure === undefined) {
        if (i > 0) {
          order.splice(i, 1);
          order.unshift(p);
        }
        return;
      }
      firstFailure ??= `${p.logTypeName}: ${failure}`;
    }
    this.reject(`no log type parses this line (the first tried, ${firstFailure ?? 'none'}); pass --type if the input is of one type`, text, line);
  }

  reject(message: string, raw: string, line: number, length?: number): void {
    this.unknown.read++;
    this.unknown.failed++;
    this.errors.error(makeErrorReport(this.file, line, undefined, message, raw, length));
  }
}

export interface ProcessedInput extends InputResult {
  /** The type the input was normalized as (detected or named); undefined when unknown or per-line. */
  logType?: string;
  /** Why detection chose nothing. */
  detectionProblem?: string;
  /** --out-dir: why the output could not be written. */
  outputProblem?: string;
  /** --out-dir: the output failed in a way every later one would (a full disk): the run stops. */
  outputStopsRun?: boolean;
  /** --out-dir: the input did not complete, so its output was kept under this `.partial` name. */
  partialOutput?: string;
  /** --skip-existing: the output was already there, the input was not read. */
  skippedExisting?: boolean;
  /** Time spent on this input. */
  seconds?: number;
  /** When this input was read (for the per-type wall-clock time of the summary). */
  span?: Span;
}

/**
 * Normalizes one input (a path, `-` for stdin, or an InputFile whose name
 * is not valid UTF-8, opened by its bytes) onto `out`. When the input
 * cannot be read or decompressed to its end, the records before the fault
 * are still written and `problem` says what went wrong.
 */
export async function processInput(
  input: InputPath,
  settings: InputSettings,
  standard: StandardFields,
  out: RecordOutput,
  reporter: ReportSink,
  hooks: InputHooks = {},
): Promise<ProcessedInput> {
  const start = spanClock();
  const result = await normalizeOne(input, settings, standard, out, reporter, hooks);
  const end = spanClock();
  result.seconds = (end - start) / 1000;
  result.span = { start, end };
  return result;
}

async function normalizeOne(
  input: InputPath,
  settings: InputSettings,
  standard: StandardFields,
  out: RecordOutput,
  reporter: ReportSink,
  hooks: InputHooks,
): Promise<ProcessedInput> {
  const file = shownPath(input);
  const info: InputInfo = { gzip: false, bytesRead: 0 };
  const text = { bytes: 0 };
  const source = countBytes(checkedInput(readInput(input, info, (message) => reporter.notice(file, message)), info), text);
  const reported = { bytes: 0, textBytes: 0, written: 0, failed: 0 };
  /** The counts of whatever processes this input, for progress. */
  let live: () => Pick<Counts, "written" | "failed"> = () => reported;
  const afterChunk = async (): Promise<void> => {
    const failed = hooks.outputFailure?.();
    if (failed !== undefined) throw failed;
    if (hooks.progress !== undefined) {
      const c = live();
      hooks.progress(info.bytesRead - reported.bytes, c.written - reported.written, c.failed - reported.failed, text.bytes - reported.textBytes);
      reported.bytes = info.bytesRead;
      reported.textBytes = text.bytes;
      reported.written = c.written;
      reported.failed = c.failed;
    }
    standard.refreshParseTime();
    if (out.full) await out.flush();
    await reporter.flushIfFull();
  };
  const converterFor = settings.format === undefined ? undefined : await findFormat(settings.format)?.converters?.();
  const newProcessor = (type: LogTypeDescriptor, options = settings.parserOptions) =>
    new RecordProcessor(file, type, options, standard, out, reporter, settings.filter, converterFor?.(type.name));

  // Parquet is recognised by its first bytes, and read by columns (from the file, or by ranges of an S3 object), not as text.
  const parquet = (source: ParquetSource): Promise<ProcessedInput> => {
    restoreHeapDefaults(); // a decoded row group is held on purpose: V8's own sizing is faster there (heap_release.ts)
    return normalizeParquet({
      source, logType: settings.logType, candidates: settings.candidates, parserOptions: settings.parserOptions,
      newProcessor: (type) => newProcessor(type),
      afterRows: (bytes) => {
        info.bytesRead += bytes;
        text.bytes += bytes;
        return afterChunk();
      },
      setLive: (f) => { live = f; },
    });
  };
  const local = localFile(input);
  if (local !== undefined && await startsWithParquetMagic(local)) return parquet({ kind: 'file', path: local });

  // Enveloped input (CloudWatch Logs) is recognised from its first bytes: one check per input.
  const sample = await takeSample(source).catch(parquetSignal);
  if (sample instanceof ParquetFound) {
    // The streamed read's bytes so far are not the Parquet reader's: its progress counts the row groups.
    info.bytesRead = 0;
    text.bytes = 0;
    return parquet({ kind: 'ranged', input: sample.input });
  }
  const enveloped = await normalizeEnveloped(file, sample, source, settings, reporter, newProcessor, afterChunk, (f) => { live = f; });
  if (enveloped !== undefined) return enveloped;
  const chunks = replay(sample, source);

  if (settings.logType !== undefined) {
    const processor = newProcessor(settings.logType);
    live = () => processor.counts;
    const problem = await frameTyped(chunks, sample, settings.logType, processor, file, settings, out, reporter, afterChunk);
    return withProblem({ counts: new Map([[settings.logType.name, processor.counts]]), logType: settings.logType.name }, problem);
  }

  if (settings.detect === 'per-line') {
    const handler = new PerLineHandler(file, settings.candidates.map((t) => newProcessor(t)), reporter);
    live = () => {
      const sum = { ...handler.unknown };
      for (const p of handler.processors) addCounts(sum, p.counts);
      return sum;
    };
    const problem = await frameChunks(chunks, new LineFramer(handler, settings.maxLineBytes), afterChunk);
    const counts = new Map<string, Counts>();
    for (const p of handler.processors) if (p.counts.read > 0) counts.set(p.logTypeName, p.counts);
    if (handler.unknown.read > 0) counts.set(UNKNOWN_TYPE, handler.unknown);
    return withProblem({ counts }, problem);
  }

  const empty = sample.chunks.every((c) => c.length === 0);
  if (empty && sample.ended) return withProblem({ counts: new Map() }, sample.fault?.message);
  const detection = detectFromSample(sample.chunks, sample.ended, file, settings.candidates, settings.parserOptions, settings.maxLineBytes);
  if (detection.noRecords === true) return withProblem({ counts: new Map() }, sample.fault?.message);
  if (detection.type === undefined) {
    const handler = new UnknownTypeHandler(file, detection.reason, reporter);
    live = () => handler.counts;
    // Well-formed JSON: one report per document (or wrapper element), not per line of it.
    const problem = await frameChunks(chunks, createFramer(detection.framing, handler, settings.maxLineBytes), afterChunk);
    return withProblem({ counts: new Map([[UNKNOWN_TYPE, handler.counts]]), detectionProblem: describeDetection(detection) }, problem);
  }
  const processor = newProcessor(detection.type);
  live = () => processor.counts;
  const problem = await frameTyped(chunks, sample, detection.type, processor, file, settings, out, reporter, afterChunk);
  return withProblem({ counts: new Map([[detection.type.name, processor.counts]]), logType: detection.type.name }, problem);
}

/**
 * The records of an input of one known type, into `processor` (its counts
 * hold the result): on this thread, or, with a chunk pool (--jobs N) and
 * lines framing, cut into chunks for the pool's threads (chunks.ts). An
 * input that fits in one chunk stays here: threads would only add start-up.
 */
function frameTyped(
  chunks: AsyncIterable<Buffer>,
  sample: Sample,
  type: LogTypeDescriptor,
  processor: RecordProcessor,
  file: string,
  settings: InputSettings,
  out: RecordOutput,
  reporter: ReportSink,
  afterChunk: () => Promise<void>,
): Promise<string | undefined> {
  const pool = settings.chunkPool;
  const small = sample.ended && sample.chunks.reduce((n, c) => n + c.length, 0) <= CHUNK_BYTES;
  // Chunks come back as encoded lines: a record sink (Parquet) takes records on this thread.
  if (pool === undefined || type.framing !== 'lines' || small || !(out instanceof BatchedWriter)) {
    return frameChunks(chunks, createFramer(type.framing, processor, settings.maxLineBytes), afterChunk);
  }
  const job = {
    file,
    logType: type.name,
    parserOptions: settings.parserOptions,
    maxLineBytes: settings.maxLineBytes,
    ...(settings.filter !== undefined ? { filter: settings.filter } : {}),
    ...(settings.format !== undefined ? { format: settings.format } : {}),
  };
  return frameInChunks(chunks, job, type.layoutLine !== undefined, pool, out, reporter, processor.counts, afterChunk);
}

/**
 * CloudWatch Logs envelopes (src/envelopes/, pipeline/envelope.ts): the
 * input's records are log events whose messages are records of an inner
 * type. Undefined when the input is not enveloped.
 */
async function normalizeEnveloped(
  file: string,
  sample: Sample,
  source: AsyncIterator<Buffer>,
  settings: InputSettings,
  reporter: ReportSink,
  newProcessor: (type: LogTypeDescriptor, options: ParserOptions) => RecordProcessor,
  afterChunk: () => Promise<void>,
  setLive: (live: () => Pick<Counts, 'written' | 'failed'>) => void,
): Promise<ProcessedInput | undefined> {
  if (isExportWriteTest(file, sample.chunks, sample.ended)) {
    reporter.notice(file, EXPORT_WRITE_TEST_NOTICE);
    return { counts: new Map([[settings.logType?.name ?? UNKNOWN_TYPE, { ...emptyCounts(), read: 1, skipped: 1 }]]) };
  }
  const sniffed = sniffEnvelope(sample.chunks, sample.ended, file, settings);
  if (sniffed === undefined) return undefined;
  const handler = new EnvelopeHandler(file, settings, newProcessor, reporter, sniffed);
  setLive(() => handler.totals());
  const problem = await frameChunks(replay(sample, source), envelopeFramer(sniffed, handler, settings.maxLineBytes), afterChunk);
  const result: ProcessedInput = { counts: handler.countsByType(), logType: handler.label() };
  if (settings.logType === undefined && !handler.named && handler.unknown.failed > 0) {
    result.detectionProblem = `${handler.label()}: could not detect the log type of the log events inside; pass --type`;
  }
  return withProblem(result, problem);
}

function withProblem(result: ProcessedInput, problem: string | undefined): ProcessedInput {
  if (problem !== undefined) result.problem = problem;
  return result;
}

/** The chunks of source, their bytes added up in `tally.bytes` as they pass. */
async function* countBytes(source: AsyncGenerator<Buffer>, tally: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    tally.bytes += chunk.length;
    yield chunk;
  }
}

/** A ParquetFound thrown while sampling, as a value (an input to read by ranges); any other error thrown on. */
function parquetSignal(err: unknown): ParquetFound {
  if (err instanceof ParquetFound) return err;
  throw err;
}

/** `awslogs detect`: reads only the start of each input. */
export async function detectInput(input: InputPath, settings: InputSettings): Promise<{ type?: string; reason: string; problem?: string }> {
  const local = localFile(input);
  if (local !== undefined && await startsWithParquetMagic(local)) return detectParquet({ kind: 'file', path: local }, settings.candidates);
  const file = shownPath(input);
  const info: InputInfo = { gzip: false, bytesRead: 0 };
  const source = checkedInput(readInput(input, info), info);
  const sample = await takeSample(source).catch(parquetSignal);
  if (sample instanceof ParquetFound) return detectParquet({ kind: 'ranged', input: sample.input }, settings.candidates);
  if (sample.fault !== undefined) return { reason: sample.fault.message, problem: sample.fault.message };
  if (sample.chunks.every((c) => c.length === 0)) return { reason: 'the input is empty' };
  if (isExportWriteTest(file, sample.chunks, sample.ended)) return { type: 'CloudWatchLogs.Export(none)', reason: EXPORT_WRITE_TEST_NOTICE };
  const sniffed = sniffEnvelope(sample.chunks, sample.ended, file, settings);
  if (sniffed !== undefined) {
    try {
      const l = await labelOfInput(file, sniffed, sample.chunks, sample.ended, source, settings);
      return l.named ? { type: l.label, reason: 'CloudWatch Logs envelope' } : { reason: `${l.label}: could not detect the log type of the log events inside; pass --type` };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { reason: err.message, problem: err.message };
    }
  }
  const d = detectFromSample(sample.chunks, sample.ended, file, settings.candidates, settings.parserOptions, settings.maxLineBytes);
  return d.type !== undefined ? { type: d.type.name, reason: d.reason } : { reason: describeDetection(d) };
}
