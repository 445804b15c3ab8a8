// `--jobs N`: several inputs normalized at once on worker threads. On stdout
// the output keeps input order (file by file), so results do not depend on
// N: the file whose turn it is streams straight through; later files buffer
// up to BUDGET_BYTES each, then their worker waits (its batches are not
// acknowledged), so memory stays bounded. With --out-dir each worker writes
// its own files.
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { ErrorReport } from '../core/errors.js';
import type { ErrorSink } from './normalize.js';
import type { InputHooks, InputSettings, ProcessedInput } from './process_input.js';
import type { Job } from './run.js';
import type { JobRequest, MainMessage, WorkerMessage } from './worker.js';

const BUDGET_BYTES = 16 * 1024 * 1024;

interface Pending {
  chunks: Uint8Array[];
  bytes: number;
  /** Batches buffered past the budget, acknowledged once they are written. */
  heldAcks: Worker[];
  reports: ErrorReport[];
  notices: Array<[string, string]>;
  result?: ProcessedInput;
}

export interface ParallelSettings extends InputSettings {
  gzip: boolean;
  skipExisting: boolean;
}

export async function processInParallel(
  jobs: readonly Job[],
  settings: ParallelSettings,
  threads: number,
  stdout: Writable,
  reporter: ErrorSink,
  hooks: InputHooks,
  onResult: (job: Job, result: ProcessedInput) => void,
): Promise<void> {
  const pending: Pending[] = jobs.map(() => ({ chunks: [], bytes: 0, heldAcks: [], reports: [], notices: [] }));
  const workers: Worker[] = [];
  let head = 0;
  let next = 0;

  const ack = (w: Worker) => w.postMessage({ kind: 'ack' } satisfies MainMessage);
  const writeThenAck = (chunk: Uint8Array, w: Worker) => {
    if (stdout.write(chunk)) ack(w);
    else stdout.once('drain', () => ack(w));
  };

  const startJob = (w: Worker) => {
    if (next >= jobs.length) return;
    const job = jobs[next]!;
    const request: JobRequest = {
      kind: 'job',
      index: next,
      file: job.input.path,
      ...(job.output !== undefined ? { output: job.output } : {}),
      gzip: settings.gzip,
      skipExisting: settings.skipExisting,
      ...(settings.logType !== undefined ? { logType: settings.logType.name } : {}),
      detect: settings.detect,
      parserOptions: settings.parserOptions,
      maxLineChars: settings.maxLineChars,
      ...(settings.filter !== undefined ? { filter: settings.filter } : {}),
    };
    next++;
    w.postMessage(request);
  };

  await new Promise<void>((resolve, reject) => {
    /** Writes out everything the files at the head have finished, in order. */
    const advance = () => {
      while (head < jobs.length) {
        const p = pending[head]!;
        for (const r of p.reports.splice(0)) reporter.error(r);
        for (const [file, message] of p.notices.splice(0)) reporter.notice(file, message);
        for (const c of p.chunks.splice(0)) stdout.write(c);
        p.bytes = 0;
        for (const w of p.heldAcks.splice(0)) ack(w);
        if (p.result === undefined) return;
        onResult(jobs[head]!, p.result);
        head++;
      }
      resolve();
    };

    const onMessage = (w: Worker, msg: WorkerMessage) => {
      if (msg.kind === 'progress') return hooks.progress?.(msg.bytes, msg.written, msg.failed);
      if (msg.kind === 'temporary') return hooks.temporary?.(msg.path, msg.exists);
      const p = pending[msg.index]!;
      const atHead = msg.index === head;
      switch (msg.kind) {
        case 'data':
          if (atHead) writeThenAck(msg.chunk, w);
          else {
            p.chunks.push(msg.chunk);
            p.bytes += msg.chunk.length;
            if (p.bytes < BUDGET_BYTES) ack(w);
            else p.heldAcks.push(w);
          }
          return;
        case 'errors':
          if (atHead) for (const r of msg.reports) reporter.error(r);
          else p.reports.push(...msg.reports);
          return;
        case 'notice':
          if (atHead) reporter.notice(msg.file, msg.message);
          else p.notices.push([msg.file, msg.message]);
          return;
        case 'done':
          p.result = msg.result;
          startJob(w);
          if (atHead) advance();
          return;
      }
    };

    const count = Math.min(threads, jobs.length);
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (msg: WorkerMessage) => onMessage(w, msg));
      w.on('error', reject);
      workers.push(w);
      startJob(w);
    }
  }).finally(() => Promise.all(workers.map((w) => w.terminate())));
}
