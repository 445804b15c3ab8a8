// Where error reports and notices go: an NDJSON file (--errors), or short
// human lines on stderr (after the first 20, only a count). Also the summary
// printed at the end, as text or (--summary json) one JSON object. Input text
// (file names, messages quoting a record) is escaped for the terminal here,
// in one place; with --summary json every line is a JSON object with a kind.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { isS3Url, parseS3Url } from '../s3/url.js';
import { registerStopper } from './cleanup.js';
import type { AnyErrorReport } from '../core/errors.js';
import { BatchedWriter } from './output.js';
import { describeSkip, skippedCounts, type SkippedFile } from './inputs.js';
import { escapeForTerminal, type Terminal } from './terminal.js';

const STDERR_ERROR_LINES = 20;

/** Per input and per type: read = written + failed + skipped (filtered records are skipped ones). */
export interface Counts {
  read: number;
  written: number;
  failed: number;
  skipped: number;
  /** Of the skipped: records outside --since/--until/--filter-ip. */
  filtered: number;
}

export function emptyCounts(): Counts {
  return { read: 0, written: 0, failed: 0, skipped: 0, filtered: 0 };
}

export type TypeTotals = Map<string, Counts & { files: number; seconds: number }>;

export interface InputSummary extends Counts {
  file: string;
  logType?: string;
  /** Why the input could not be read to its end, or its type not detected. */
  problem?: string;
  /** --out-dir: the file written (absent when skipped or failed); `<output>.partial` when `partial`. */
  output?: string;
  /** --out-dir: the input did not complete (unreadable, cut short, type not detected): its output is kept as `.partial`, which --skip-existing redoes. */
  partial?: boolean;
  /** --skip-existing: the output was already there. */
  skippedExisting?: boolean;
}

export interface RunSummary {
  inputs: InputSummary[];
  types: TypeTotals;
  /** Paths a walk passed over on purpose, each with its reason. */
  skippedFiles: SkippedFile[];
  seconds: number;
  exitStatus: number;
  /** s3:// inputs: objects listed (read or passed over), ListObjectsV2 requests, objects read. */
  s3?: { listed: number; listCalls: number; read: number };
}

/** The --errors file cannot be written (a full disk): the run stops with status 2. */
export class ErrorsFileError extends Error {}

export class Reporter {
  private file: Writable | undefined;
  private writeFailure: Error | undefined;
  private fileWriter: BatchedWriter | undefined;
  /** --errors s3://bucket/key: the upload the reports stream into, complete at close(). */
  private upload: { done: Promise<void>; abort: () => Promise<void>; unregister: () => void } | undefined;
  private errorsShown = 0;
  private errorsTotal = 0;
  private readonly noticesSeen = new Set<string>();

  constructor(
    private readonly terminal: Terminal,
    private readonly errorsPath: string | undefined,
    private readonly quiet: boolean,
  ) {
    if (errorsPath !== undefined && !isS3Url(errorsPath)) {
      this.file = createWriteStream(errorsPath);
      this.file.on('error', (err) => { this.writeFailure ??= err; });
      this.fileWriter = new BatchedWriter(this.file);
    }
  }

  private failure(err: unknown): ErrorsFileError {
    const cause = this.writeFailure ?? (err as Error);
    return new ErrorsFileError(`--errors ${this.errorsPath ?? ''}: cannot write (${cause.message ?? String(cause)})`);
  }

  /** Resolves once the --errors file can be written (rejects with its open error). */
  async ready(): Promise<void> {
    if (this.errorsPath !== undefined && isS3Url(this.errorsPath)) return this.startUpload(this.errorsPath);
    if (this.file === undefined) return;
    await new Promise<void>((resolve, reject) => {
      this.file!.once('ready', () => resolve());
      this.file!.once('error', reject);
    });
  }

  /**
   * --errors s3://bucket/key: one object, streamed by a multipart upload
   * that completes at close() (aborted on an interrupt). The bucket is
   * checked first, so a missing one fails the run before any work.
   */
  private async startUpload(url: string): Promise<void> {
    const location = parseS3Url(url);
    if (typeof location === 'string') throw new Error(location);
    if (location.key === '' || location.key.endsWith('/')) throw new Error('needs an object key (s3://bucket/errors.ndjson), not a prefix');
    const { checkS3Bucket, startS3Upload } = await import('../s3/upload.js');
    await checkS3Bucket(location.bucket);
    const upload = await startS3Upload(location, 'application/x-ndjson');
    upload.done.catch((err: Error) => { this.writeFailure ??= err; });
    this.upload = { done: upload.done, abort: upload.abort, unregister: registerStopper(upload.abort) };
    this.file = upload.stream;
    this.fileWriter = new BatchedWriter(upload.stream);
  }

  error(report: AnyErrorReport): void {
    this.errorsTotal++;
    if (this.fileWriter !== undefined) {
      this.fileWriter.write(JSON.stringify(report) + '\n');
      return;
    }
    if (this.errorsShown < STDERR_ERROR_LINES) {
      this.errorsShown++;
      const { file, logType, error } = report;
      // A row of a Parquet input has `row` where a line has `line`.
      const logEvent = 'line' in report ? report.logEvent : undefined;
      const where = 'line' in report ? { line: report.line } : { row: report.row };
      if (this.terminal.json) {
        this.terminal.jsonLine({ kind: 'error', file, ...where, ...(logEvent !== undefined ? { logEvent } : {}), ...(logType !== undefined ? { logType } : {}), message: error });
        return;
      }
      const type = logType !== undefined ? ` ${logType}:` : '';
      const event = logEvent !== undefined ? ` logEvent ${logEvent}:` : '';
      const at = 'line' in where ? `:${where.line}:` : ` row ${where.row}:`;
      // The file name and the message (V8's JSON.parse messages quote the input) are input text.
      this.terminal.line(`awslogs: ${escapeForTerminal(file)}${at}${event}${type} ${this.terminal.paint.red(escapeForTerminal(error))}`);
    }
  }

  /** Once per distinct message per input; silenced by --quiet. */
  notice(file: string, message: string): void {
    if (this.quiet) return;
    const key = file + '\0' + message;
    if (this.noticesSeen.has(key)) return;
    this.noticesSeen.add(key);
    this.aboutInput('notice', file, message, this.terminal.paint.yellow);
  }

  /** A path a walk passed over (a link, a FIFO, the out-dir…), with why; silenced by --quiet. */
  skippedFile(skipped: SkippedFile): void {
    if (this.quiet) return;
    this.aboutInput('skipped-file', skipped.file, `passed over: ${describeSkip(skipped)}`, this.terminal.paint.yellow);
  }

  /** A notice about the run as a whole (not one input); silenced by --quiet. */
  runNotice(message: string): void {
    if (this.quiet) return;
    if (this.terminal.json) this.terminal.jsonLine({ kind: 'notice', message });
    else this.terminal.line(`awslogs: ${this.terminal.paint.yellow(escapeForTerminal(message))}`);
  }

  /** A one-line problem with a whole input (missing file, corrupt gzip, unknown type). */
  inputProblem(file: string, message: string): void {
    this.aboutInput('input-problem', file, message, this.terminal.paint.red);
  }

  /**
   * One line about an input: `awslogs: FILE: MESSAGE` with both escaped for
   * the terminal (either may hold input text), or one JSON object of `kind`.
   */
  private aboutInput(kind: string, file: string, message: string, colour: (text: string) => string): void {
    if (this.terminal.json) this.terminal.jsonLine({ kind, file, message });
    else this.terminal.line(`awslogs: ${escapeForTerminal(file)}: ${colour(escapeForTerminal(message))}`);
  }

  /** Throws ErrorsFileError once the --errors file has failed, so the run stops instead of losing reports. */
  async flushIfFull(): Promise<void> {
    if (this.fileWriter === undefined) return;
    if (this.writeFailure !== undefined) throw this.failure(undefined);
    try {
      await this.fileWriter.flushIfFull();
    } catch (err) {
      throw this.failure(err);
    }
  }

  async close(): Promise<void> {
    if (this.fileWriter === undefined) {
      const hidden = this.errorsTotal - this.errorsShown;
      if (hidden === 0) return;
      const message = `… and ${hidden} more errors (use --errors FILE to keep them all)`;
      if (this.terminal.json) this.terminal.jsonLine({ kind: 'more-errors', count: hidden, message });
      else this.terminal.line(`awslogs: ${message}`);
      return;
    }
    try {
      if (this.writeFailure !== undefined) throw this.writeFailure;
      await this.fileWriter.flush();
      await new Promise<void>((resolve, reject) => this.file!.end((err?: Error | null) => (err ? reject(err) : resolve())));
      await this.upload?.done;
    } catch (err) {
      await this.upload?.abort();
      throw this.failure(err);
    } finally {
      this.upload?.unregister();
    }
  }

  summaryText(run: RunSummary): void {
    if (this.quiet) return;
    const p = this.terminal.paint;
    for (const [type, c] of run.types) {
      const files = c.files === 1 ? '1 input' : `${c.files} inputs`;
      const filtered = c.filtered > 0 ? ` (${c.filtered} filtered out)` : '';
      const failed = c.failed > 0 ? p.red(`${c.failed} failed`) : '0 failed';
      this.terminal.line(`awslogs: ${p.bold(type)}: ${files}, ${c.read} records read: ${c.written} written, ${failed}, ${c.skipped} skipped${filtered}, ${c.seconds.toFixed(1)}s`);
    }
    const existing = run.inputs.filter((i) => i.skippedExisting).length;
    if (existing > 0) this.terminal.line(`awslogs: ${existing === 1 ? '1 input' : `${existing} inputs`} skipped: their output already exists (--skip-existing)`);
    const partial = run.inputs.filter((i) => i.partial === true).length;
    if (partial > 0) this.terminal.line(`awslogs: ${partial === 1 ? '1 input' : `${partial} inputs`} did not complete: their records are kept under a .partial name, which a rerun with --skip-existing redoes`);
    if (run.skippedFiles.length > 0) {
      const listed = run.skippedFiles.length > 5 ? ' (--summary json lists them)' : '';
      this.terminal.line(`awslogs: ${skippedCounts(run.skippedFiles)}${listed}`);
    }
    const troubled = run.inputs.filter((i) => i.problem !== undefined).map((i) => escapeForTerminal(i.file));
    if (troubled.length > 0) {
      const more = troubled.length > 5 ? `, and ${troubled.length - 5} more` : '';
      this.terminal.line(`awslogs: ${troubled.length} ${troubled.length === 1 ? 'input' : 'inputs'} with a problem (named above): ${troubled.slice(0, 5).join(', ')}${more}`);
    }
    if (run.s3 !== undefined) {
      const { listed, listCalls, read } = run.s3;
      this.terminal.line(`awslogs: S3: ${listed} ${listed === 1 ? 'object' : 'objects'} listed (${listCalls} list ${listCalls === 1 ? 'request' : 'requests'}), ${read} read`);
    }
    if (run.inputs.length > 1) this.terminal.line(`awslogs: ${run.inputs.length} inputs in ${run.seconds.toFixed(1)}s`);
  }

  /**
   * `--summary json`: one object of kind `summary` on stderr, for scripts:
   * the last line the run writes. File names stay exact (JSON escapes
   * whatever a terminal would act on, see jsonForTerminal).
   */
  summaryJson(run: RunSummary): void {
    const total = emptyCounts();
    for (const c of run.types.values()) {
      total.read += c.read;
      total.written += c.written;
      total.failed += c.failed;
      total.skipped += c.skipped;
      total.filtered += c.filtered;
    }
    this.terminal.jsonLine({
      kind: 'summary',
      exitStatus: run.exitStatus,
      seconds: Math.round(run.seconds * 1000) / 1000,
      total,
      types: Object.fromEntries([...run.types].map(([name, t]) => [name, { ...t, seconds: Math.round(t.seconds * 1000) / 1000 }])),
      inputs: run.inputs,
      skippedFiles: run.skippedFiles,
      ...(run.s3 !== undefined ? { s3: run.s3 } : {}),
    });
  }
}
