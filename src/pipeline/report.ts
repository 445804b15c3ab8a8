// Where error reports and notices go: an NDJSON file (--errors), or short
// human lines on stderr (after the first 20, only a count). Also the
// per-type summary printed at the end.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ErrorReport } from '../core/errors.js';
import { BatchedWriter } from './output.js';

const STDERR_ERROR_LINES = 20;

export interface Counts {
  read: number;
  written: number;
  failed: number;
  skipped: number;
}

export function emptyCounts(): Counts {
  return { read: 0, written: 0, failed: 0, skipped: 0 };
}

export type TypeTotals = Map<string, Counts & { files: number }>;

export class Reporter {
  private readonly file: WriteStream | undefined;
  private readonly fileWriter: BatchedWriter | undefined;
  private errorsShown = 0;
  private errorsTotal = 0;
  private readonly noticesSeen = new Set<string>();

  constructor(
    private readonly stderr: Writable,
    errorsPath: string | undefined,
    private readonly quiet: boolean,
  ) {
    if (errorsPath !== undefined) {
      this.file = createWriteStream(errorsPath);
      this.fileWriter = new BatchedWriter(this.file);
    }
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
      this.stderr.write(`awslogs: ${report.file}:${report.line}:${type} ${report.error}\n`);
    }
  }

  /** Once per distinct message per input; silenced by --quiet. */
  notice(file: string, message: string): void {
    if (this.quiet) return;
    const key = file + '\0' + message;
    if (this.noticesSeen.has(key)) return;
    this.noticesSeen.add(key);
    this.stderr.write(`awslogs: ${file}: ${message}\n`);
  }

  /** A one-line problem with a whole input (missing file, corrupt gzip). */
  inputProblem(file: string, message: string): void {
    this.stderr.write(`awslogs: ${file}: ${message}\n`);
  }

  async flushIfFull(): Promise<void> {
    await this.fileWriter?.flushIfFull();
  }

  async close(): Promise<void> {
    if (this.fileWriter === undefined) {
      const hidden = this.errorsTotal - this.errorsShown;
      if (hidden > 0) this.stderr.write(`awslogs: … and ${hidden} more errors (use --errors FILE to keep them all)\n`);
      return;
    }
    await this.fileWriter.flush();
    await new Promise<void>((resolve, reject) => this.file!.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  summary(perType: TypeTotals): void {
    if (this.quiet) return;
    for (const [type, c] of perType) {
      const files = c.files === 1 ? '1 input' : `${c.files} inputs`;
      this.stderr.write(`awslogs: ${type}: ${files}, ${c.read} records read: ${c.written} written, ${c.failed} failed, ${c.skipped} skipped\n`);
    }
  }
}
