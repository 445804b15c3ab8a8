// `--jobs N`: several inputs normalized at once on worker threads (at most
// MAX_WORKERS). On stdout the output keeps input order (file by file), so
// results do not depend on N: the file whose turn it is streams straight
// through; later files keep their output in memory while all of them
// together hold less than BUDGET_BYTES, and past that the one that grows
// spills to a temporary file that is copied out when its turn comes, so
// memory stays bounded whatever N is and the workers never wait for each
// other. With --out-dir each worker writes its own files.
import { createReadStream, createWriteStream, mkdtempSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { AnyErrorReport } from '../core/errors.js';
import { registerStopper } from './cleanup.js';
import type { ErrorSink } from './normalize.js';
import { temporaryPathFor } from './outdir.js';
import { currentS3Settings } from '../s3/client.js';
import { isS3Url } from '../s3/url.js';
import { waitForDrain } from './output.js';
import type { InputHooks, InputSettings, ProcessedInput } from './process_input.js';
import type { Job } from './run.js';
import type { SinkTarget } from './record_output.js';
import type { JobRequest, MainMessage, WorkerMessage } from './worker.js';
import { WORKER_RESOURCE_LIMITS } from './heap_release.js';

/**
 * Output of later inputs kept in memory, all of them together, before one
 * spills to disk (tests lower it). Each worker adds at most MAX_IN_FLIGHT
 * batches in flight on top.
 */
const BUDGET_BYTES = Number(process.env.AWSLOGS_ORDER_BUFFER_BYTES) || 64 * 1024 * 1024;

/**
 * The most worker threads a run starts, whatever --jobs asks: each costs a
 * V8 heap (tens of MB), and past a few per core they add memory, not speed
 * (256 workers reached 3 GB).
 */
export const MAX_WORKERS = 4 * availableParallelism();

interface Pending {
  chunks: Uint8Array[];
  bytes: number;
  /** Batches held while a spill file is copied out, acknowledged once they are written. */
  heldAcks: Worker[];
  /**
   * Batches the spill file took over its buffer size, acknowledged on its
   * 'drain', or once it is closed: a stream that is ending never emits
   * 'drain', and a batch left unacknowledged stalls its worker for good.
   */
  drainAcks: Worker[];
  /** Output past the memory budget, on disk until this input's turn. */
  spill?: { path: string; stream: WriteStream };
  /** Set while the spill file is being created. */
  spilling?: Promise<void>;
  reports: AnyErrorReport[];
  notices: Array<[string, string]>;
  result?: ProcessedInput;
}

export interface ParallelSettings extends InputSettings {
  gzip: boolean;
  skipExisting: boolean;
  /** A record-sink format (Parquet) with --out-dir: each worker packs its inputs into part files of its own. */
  sinkTarget?: SinkTarget;
}

/** What the workers' record sinks completed when the run ended, and why any could not. */
export interface ClosedSinks {
  files: number;
  problems: string[];
}

/** Asks a worker to complete its record sink's part files; resolves with its answer. */
function closeWorkerSink(w: Worker): Promise<{ files: number; problem?: string }> {
  return new Promise((resolve) => {
    const onMessage = (msg: WorkerMessage) => {
      if (msg.kind !== 'closed') return;
      w.off('message', onMessage);
      resolve({ files: msg.files, ...(msg.problem !== undefined ? { problem: msg.problem } : {}) });
    };
    w.on('message', onMessage);
    w.postMessage({ kind: 'close' } satisfies MainMessage);
  });
}

/** How long an interrupted worker is given to abort its uploads before it is terminated. */
const STOP_WAIT_MS = 2000;

/** Asks a worker to abort its uploads; resolves on its answer, or after STOP_WAIT_MS. */
function askToStop(w: Worker): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, STOP_WAIT_MS);
    function finish(): void {
      clearTimeout(timer);
      w.off('message', onMessage);
      resolve();
    }
    function onMessage(msg: WorkerMessage): void {
      if (msg.kind === 'stopped') finish();
    }
    w.on('message', onMessage);
    try {
      w.postMessage({ kind: 'stop' } satisfies MainMessage);
    } catch {
      finish();
    }
  });
}

export async function processInParallel(
  jobs: readonly Job[],
  settings: ParallelSettings,
  threads: number,
  stdout: Writable,
  reporter: ErrorSink,
  hooks: InputHooks,
  onResult: (job: Job, result: ProcessedInput) => void,
): Promise<ClosedSinks> {
  const closed: ClosedSinks = { files: 0, problems: [] };
  const pending: Pending[] = jobs.map(() => ({ chunks: [], bytes: 0, heldAcks: [], drainAcks: [], reports: [], notices: [] }));
  const workers: Worker[] = [];
  let head = 0;
  let next = 0;
  /** After an output failure (a full disk) no new input is started: each would fail the same way. */
  let stopping = false;
  /** While the head input's spill file is copied to stdout, its new batches wait in memory. */
  let copying = false;
  let spillDir: string | undefined;
  let spills = 0;
  /** Bytes of later inputs' output held in memory (the `bytes` of every pending input). */
  let buffered = 0;
  /**
   * A signal terminates the workers before temporary files are removed, so
   * none is created after; each is first asked to abort its S3 uploads (a
   * terminated thread cannot), for at most STOP_WAIT_MS.
   */
  const unregisterStopper = registerStopper(() => Promise.all(workers.map(async (w) => {
    await askToStop(w);
    await w.terminate();
  })));
  /** Gives back an input's share of the memory budget once its chunks are written or spilled. */
  const release = (p: Pending) => {
    buffered -= p.bytes;
    p.bytes = 0;
  };

  const ack = (w: Worker) => w.postMessage({ kind: 'ack' } satisfies MainMessage);
  const writeThenAck = (stream: Writable, chunk: Uint8Array, w: Worker) => {
    if (stream.write(chunk)) ack(w);
    else stream.once('drain', () => ack(w));
  };
  const writeToSpill = (p: Pending, chunk: Uint8Array, w: Worker) => {
    const stream = p.spill!.stream;
    if (stream.write(chunk)) return ack(w);
    p.drainAcks.push(w);
    if (p.drainAcks.length === 1) stream.once('drain', () => { for (const held of p.drainAcks.splice(0)) ack(held); });
  };

  /** Moves an input's buffered output to a new spill file; later batches go there too. */
  const startSpill = async (p: Pending): Promise<void> => {
    if (spillDir === undefined) {
      // Synchronous, so that no exit can come between creating the folder and registering it for removal.
      spillDir = mkdtempSync(join(tmpdir(), 'awslogs-order-'));
      hooks.temporary?.(spillDir, true);
    }
    const path = join(spillDir, `${spills++}.ndjson`);
    const stream = createWriteStream(path);
    // Everything buffered so far, including batches that came while the directory was made.
    for (const c of p.chunks.splice(0)) stream.write(c);
    release(p);
    p.spill = { path, stream };
    for (const held of p.heldAcks.splice(0)) ack(held);
  };

  /** Copies a spilled input to stdout, then whatever arrived meanwhile. */
  const copySpill = async (p: Pending): Promise<void> => {
    const spill = p.spill!;
    p.spill = undefined;
    await new Promise<void>((resolve, reject) => spill.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    for (const held of p.drainAcks.splice(0)) ack(held);
    // Not stream.pipeline: with { end: false } it leaves listeners on stdout,
    // one set per spilled input (a warning on stderr past ten, and a leak).
    for await (const chunk of createReadStream(spill.path, { highWaterMark: 1 << 20 })) {
      if (!stdout.write(chunk as Buffer)) await waitForDrain(stdout);
    }
    await rm(spill.path, { force: true });
  };

  const startJob = (w: Worker) => {
    if (next >= jobs.length || stopping) return;
    const job = jobs[next]!;
    const request: JobRequest = {
      kind: 'job',
      index: next,
      file: job.input,
      ...(job.output !== undefined ? { output: job.output } : {}),
      gzip: settings.gzip,
      skipExisting: settings.skipExisting,
      ...(settings.logType !== undefined ? { logType: settings.logType.name } : {}),
      detect: settings.detect,
      parserOptions: settings.parserOptions,
      maxLineBytes: settings.maxLineBytes,
      ...(settings.filter !== undefined ? { filter: settings.filter } : {}),
      s3: currentS3Settings(),
      ...(settings.format !== undefined ? { format: settings.format } : {}),
      ...(settings.sinkTarget !== undefined ? { sinkTarget: { ...settings.sinkTarget, thread: workers.indexOf(w) + 1 } } : {}),
    };
    next++;
    // Known here before the worker creates it, so that a signal can remove it whatever the worker has told.
    if (job.output !== undefined && !isS3Url(job.output)) hooks.temporary?.(temporaryPathFor(job.output), true);
    w.postMessage(request);
  };

  await new Promise<void>((resolve, reject) => {
    /** Writes out everything the inputs at the head have finished, in order. */
    const advance = async (): Promise<void> => {
      while (head < (stopping ? next : jobs.length)) {
        const p = pending[head]!;
        for (const r of p.reports.splice(0)) reporter.error(r);
        for (const [file, message] of p.notices.splice(0)) reporter.notice(file, message);
        if (p.spilling !== undefined || p.spill !== undefined) {
          copying = true;
          await p.spilling;
          if (p.spill !== undefined) await copySpill(p);
          copying = false;
        }
        for (const c of p.chunks.splice(0)) stdout.write(c);
        release(p);
        for (const w of p.heldAcks.splice(0)) ack(w);
        if (p.result === undefined) return;
        onResult(jobs[head]!, p.result);
        head++;
      }
      if (settings.sinkTarget !== undefined) {
        for (const answer of await Promise.all(workers.map(closeWorkerSink))) {
          closed.files += answer.files;
          if (answer.problem !== undefined) closed.problems.push(answer.problem);
        }
      }
      resolve();
    };
    const advanceOrFail = () => advance().catch(reject);

    const onMessage = (w: Worker, msg: WorkerMessage) => {
      if (msg.kind === 'stopped' || msg.kind === 'closed') return;
      if (msg.kind === 'progress') return hooks.progress?.(msg.bytes, msg.written, msg.failed, msg.textBytes);
      if (msg.kind === 'temporary') return hooks.temporary?.(msg.path, msg.exists);
      const p = pending[msg.index]!;
      const atHead = msg.index === head;
      switch (msg.kind) {
        case 'data':
          if (atHead && !copying) writeThenAck(stdout, msg.chunk, w);
          else if (atHead) {
            p.chunks.push(msg.chunk);
            p.heldAcks.push(w);
          } else if (p.spill !== undefined) {
            writeToSpill(p, msg.chunk, w);
          } else {
            p.chunks.push(msg.chunk);
            p.bytes += msg.chunk.length;
            buffered += msg.chunk.length;
            if (p.spilling !== undefined) p.heldAcks.push(w);
            else if (buffered < BUDGET_BYTES) ack(w);
            else {
              p.heldAcks.push(w);
              p.spilling = startSpill(p).then(() => { p.spilling = undefined; });
              p.spilling.catch(reject);
            }
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
          if (jobs[msg.index]!.output !== undefined && !isS3Url(jobs[msg.index]!.output!)) hooks.temporary?.(temporaryPathFor(jobs[msg.index]!.output!), false);
          if (msg.result.outputStopsRun === true) stopping = true;
          startJob(w);
          if (atHead && !copying) advanceOrFail();
          return;
      }
    };

    const count = Math.min(threads, jobs.length);
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: WORKER_RESOURCE_LIMITS });
      w.on('message', (msg: WorkerMessage) => onMessage(w, msg));
      w.on('error', reject);
      workers.push(w);
      startJob(w);
    }
  }).finally(async () => {
    unregisterStopper();
    await Promise.all(workers.map((w) => w.terminate()));
    if (spillDir !== undefined) {
      await rm(spillDir, { recursive: true, force: true });
      hooks.temporary?.(spillDir, false);
    }
  });
  return closed;
}
