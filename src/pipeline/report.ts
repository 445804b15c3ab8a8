// Where error reports and notices go: an NDJSON file (--errors), or short
// human lines on stderr (after the first 20, only a count). Also the summary
// printed at the end, as text or (--summary json) one JSON object.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ErrorReport } from '../core/errors.js';
import { BatchedWriter } from './output.js';
import type { Terminal } from './terminal.js';

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
  /** --out-dir: the file written (absent when skipped or failed). */
  output?: string;
  /** --skip-existing: the output was already there. */
  skippedExisting?: boolean;
}

export interface RunSummary {
  inputs: InputSummary[];
  types: TypeTotals;
  /** Files a directory walk passed over on purpose. */
  skippedFiles: string[];
  seconds: number;
  exitStatus: number;
}

/** The --errors file cannot be written (a full disk): the run stops with status 2. */
export class ErrorsFileError extends Error {}

export class Reporter {
  private readonly file: WriteStream | undefined;
  private writeFailure: Error | undefined;
  private readonly fileWriter: BatchedWriter | undefined;
  private errorsShown = 0;
  private errorsTotal = 0;
  private readonly noticesSeen = new Set<string>();

  constructor(
    private readonly terminal: Terminal,
    private readonly errorsPath: string | undefined,
    private readonly quiet: boolean,
  ) {
    if (errorsPath !== undefined) {
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
    if (this.file === undefined) return;
    await new Promise<void>((resolve, reject) => {
      this.file!.once('ready', () => resolve());
      this.file!.once('error', reject);
    });
  }

  error(report: ErrorReport): void {
    this.errorsTotal++;
    if (this.fileWriter !== undefined) {
      this.fileWriter.write(JSON.stringify(report) + '\n');
      return;
    }
    if (this.errorsShown < STDERR_ERROR_LINES) {
      this.errorsShown++;
      const type = report.logType !== undefined ? ` ${report.logType}:` : '';
      const logEvent = report.logEvent !== undefined ? ` logEvent ${report.logEvent}:` : '';
      this.terminal.line(`awslogs: ${report.file}:${report.line}:${logEvent}${type} ${this.terminal.paint.red(report.error)}`);
    }
  }

  /** Once per distinct message per input; silenced by --quiet. */
  notice(file: string, message: string): void {
    if (this.quiet) return;
    const key = file + '\0' + message;
    if (this.noticesSeen.has(key)) return;
    this.noticesSeen.add(key);
    this.terminal.line(`awslogs: ${file}: ${this.terminal.paint.yellow(message)}`);
  }

  /** A one-line problem with a whole input (missing file, corrupt gzip, unknown type). */
  inputProblem(file: string, message: string): void {
    this.terminal.line(`awslogs: ${file}: ${this.terminal.paint.red(message)}`);
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
      if (hidden > 0) this.terminal.line(`awslogs: … and ${hidden} more errors (use --errors FILE to keep them all)`);
      return;
    }
    try {
      if (this.writeFailure !== undefined) throw this.writeFailure;
      await this.fileWriter.flush();
      await new Promise<void>((resolve, reject) => this.file!.end((err?: Error | null) => (err ? reject(err) : resolve())));
    } catch (err) {
      throw this.failure(err);
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
    if (existing > 0) this.terminal.line(`awslogs: ${existing} inputs skipped: their output already exists (--skip-existing)`);
    if (run.skippedFiles.length > 0) this.terminal.line(`awslogs: ${run.skippedFiles.length} files passed over in directories (hidden files, CloudTrail digests)`);
    if (run.inputs.length > 1) this.terminal.line(`awslogs: ${run.inputs.length} inputs in ${run.seconds.toFixed(1)}s`);
  }

  /** `--summary json`: one object on stderr, for scripts. */
  summaryJson(run: RunSummary): void {
    const total = emptyCounts();
    for (const c of run.types.values()) {
      total.read += c.read;
      total.written += c.written;
      total.failed += c.failed;
      total.skipped += c.skipped;
      total.filtered += c.filtered;
    }
    this.terminal.line(JSON.stringify({
      exitStatus: run.exitStatus,
      seconds: Math.round(run.seconds * 1000) / 1000,
      total,
      types: Object.fromEntries([...run.types].map(([name, t]) => [name, { ...t, seconds: Math.round(t.seconds * 1000) / 1000 }])),
      inputs: run.inputs,
      skippedFiles: run.skippedFiles,
    }));
  }
}
