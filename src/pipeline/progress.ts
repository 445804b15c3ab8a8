// The live progress line of a run on a TTY: files done / total, records,
// MB/s, errors, ETA. Redrawn at most ten times a second; cleared at the end.
// MB/s counts decompressed text (what the data is to a person: gzip input
// read at 10 MB/s on disk may be 100 MB/s of logs); the ETA compares the
// compressed bytes read with the files' sizes on disk.
import type { Terminal } from './terminal.js';

const REDRAW_MS = 100;

export class Progress {
  private filesDone = 0;
  private bytes = 0;
  private textBytes = 0;
  private records = 0;
  private errors = 0;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly terminal: Terminal,
    private readonly totalFiles: number,
    private readonly totalBytes: number,
  ) {}

  /** Deltas while inputs are read: bytes as on disk, records, errors, decompressed bytes. */
  advance(bytes: number, written: number, failed: number, textBytes: number): void {
    this.bytes += bytes;
    this.textBytes += textBytes;
    this.records += written;
    this.errors += failed;
    this.draw(false);
  }

  fileDone(): void {
    this.filesDone++;
    this.draw(true);
  }

  private draw(force: boolean): void {
    if (!this.terminal.live) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.bytes / seconds;
    const eta = this.totalBytes > this.bytes && rate > 0 ? formatDuration((this.totalBytes - this.bytes) / rate) : '-';
    const textRate = this.textBytes / seconds;
    const p = this.terminal.paint;
    const errors = this.errors > 0 ? p.red(`${this.errors} errors`) : '0 errors';
    this.terminal.status(`${p.bold('awslogs')} ${this.filesDone}/${this.totalFiles} files · ${this.records} records · ${(textRate / 1e6).toFixed(1)} MB/s · ${errors} · ETA ${eta}`);
  }

  finish(): void {
    this.terminal.clearStatus();
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
