// A worker thread of `--jobs N`: normalizes the inputs the main thread
// sends it, one at a time. Output goes back in batches with flow control
// (at most MAX_IN_FLIGHT unacknowledged batches), so a worker whose output
// must wait its turn (stdout keeps input order) stops reading instead of
// filling memory.
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Writable } from 'node:stream';
import type { AnyErrorReport } from '../core/errors.js';
import { StandardFields } from '../core/standard.js';
import { LOG_TYPES, findLogType } from '../logtypes/index.js';
import type { ParserOptions } from '../logtypes/types.js';
import type { FormatName, RecordSink } from '../formats/index.js';
import { closeRecordSink, openRecordSink, processIntoSink, type SinkTarget } from './record_output.js';
import type { RecordFilter, ReportSink } from './normalize.js';
import { BatchedWriter } from './output.js';
import type { InputPath } from './input.js';
import { OutputError, normalizeToFile, failedOutputResult } from './outdir.js';
import { normalizeToObject, s3OutputExists } from './s3_output.js';
import { stopAndRemoveTemporaryPaths } from './cleanup.js';
import { configureS3, type S3Settings } from '../s3/client.js';
import { isS3Url } from '../s3/url.js';
import { processInput, type DetectMode, type InputHooks, type InputSettings, type ProcessedInput } from './process_input.js';

export const MAX_IN_FLIGHT = 4;

/** What the main thread sends: one input to normalize, or an acknowledgement of a data batch. */
export type MainMessage =
  | {
    kind: 'job';
    index: number;
    /** A Buffer path arrives as a Uint8Array (structured clone); input.ts opens either. */
    file: InputPath;
    /** --out-dir: the file to write instead of sending data back. */
    output?: string;
    gzip: boolean;
    skipExisting: boolean;
    logType?: string;
    detect: DetectMode;
    parserOptions: ParserOptions;
    maxLineBytes: number;
    filter?: RecordFilter;
    /** The main thread's --endpoint-url, so that this thread's S3 client goes to the same place. */
    s3?: S3Settings;
    format?: FormatName;
    /** A record-sink format with --out-dir: this worker's part files (one sink for all its inputs). */
    sinkTarget?: SinkTarget;
  }
  | { kind: 'ack' }
  /** The run's inputs are done: complete the record sink's part files, then answer 'closed'. */
  | { kind: 'close' }
  /** An interrupt: abort the uploads in flight (so they leave no object), then answer 'stopped'. */
  | { kind: 'stop' };

export type JobRequest = Extract<MainMessage, { kind: 'job' }>;

/** What a worker sends back. */
export type WorkerMessage =
  | { kind: 'data'; index: number; chunk: Uint8Array }
  | { kind: 'errors'; index: number; reports: AnyErrorReport[] }
  | { kind: 'notice'; index: number; file: string; message: string }
  | { kind: 'progress'; bytes: number; written: number; failed: number; textBytes: number }
  | { kind: 'temporary'; path: string; exists: boolean }
  | { kind: 'done'; index: number; result: ProcessedInput }
  | { kind: 'stopped' }
  | { kind: 'closed'; files: number; problem?: string };

/** Sends error reports and notices to the main thread, which owns stderr and --errors. */
class PortReporter implements ReportSink {
  private pending: AnyErrorReport[] = [];
  constructor(private readonly send: (m: WorkerMessage) => void, private readonly index: number) {}
  error(report: AnyErrorReport): void {
    this.pending.push(report);
  }
  notice(file: string, message: string): void {
    this.send({ kind: 'notice', index: this.index, file, message });
  }
  async flushIfFull(): Promise<void> {
    if (this.pending.length === 0) return;
    this.send({ kind: 'errors', index: this.index, reports: this.pending });
    this.pending = [];
  }
}

function serve(port: NonNullable<typeof parentPort>): void {
  const send = (m: WorkerMessage) => port.postMessage(m);
  const standard = new StandardFields();
  let inFlight = 0;
  let resume: (() => void) | undefined;
  /** --format parquet --out-dir: this worker's record sink, kept across its inputs, completed on 'close'. */
  let sink: RecordSink | undefined;

  const runJob = async (job: JobRequest): Promise<void> => {
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        // A batch owns its memory (BatchedWriter allocates one per batch,
        // never from the small-buffer pool): move it instead of copying it.
        const owned = chunk.byteOffset === 0 && chunk.buffer.byteLength > Buffer.poolSize;
        const message: WorkerMessage = { kind: 'data', index: job.index, chunk };
        if (owned) port.postMessage(message, [chunk.buffer as ArrayBuffer]);
        else send(message);
        if (++inFlight < MAX_IN_FLIGHT) callback();
        else resume = () => callback();
      },
    });
    const reporter = new PortReporter(send, job.index);
    const logType = job.logType === undefined ? undefined : findLogType(job.logType);
    const settings: InputSettings = {
      ...(logType !== undefined ? { logType } : {}),
      detect: job.detect,
      candidates: LOG_TYPES,
      parserOptions: job.parserOptions,
      maxLineBytes: job.maxLineBytes,
      ...(job.filter !== undefined ? { filter: job.filter } : {}),
      ...(job.format !== undefined ? { format: job.format } : {}),
    };
    const hooks: InputHooks = {
      progress: (bytes, written, failed, textBytes) => send({ kind: 'progress', bytes, written, failed, textBytes }),
      temporary: (path, exists) => send({ kind: 'temporary', path, exists }),
    };
    let result: ProcessedInput;
    if (job.sinkTarget !== undefined) {
      sink ??= await openRecordSink(job.format, job.sinkTarget, out, hooks.temporary);
      result = await processIntoSink(job.file, settings, standard, sink!, reporter, hooks);
    } else if (job.output === undefined) {
      const writer = new BatchedWriter(out);
      result = await processInput(job.file, settings, standard, writer, reporter, hooks);
      await writer.flush();
    } else {
      try {
        if (isS3Url(job.output)) {
          result = job.skipExisting && await s3OutputExists(job.output)
            ? { counts: new Map(), skippedExisting: true }
            : await normalizeToObject(job.file, job.output, job.gzip, settings, standard, reporter, hooks);
        } else if (job.skipExisting && existsSync(job.output)) {
          result = { counts: new Map(), skippedExisting: true };
        } else {
          result = await normalizeToFile(job.file, job.output, job.gzip, settings, standard, reporter, hooks);
        }
      } catch (err) {
        if (!(err instanceof OutputError)) throw err;
        result = failedOutputResult(err);
      }
    }
    await reporter.flushIfFull();
    await new Promise<void>((resolve) => out.end(resolve));
    send({ kind: 'done', index: job.index, result });
  };

  port.on('message', (msg: MainMessage) => {
    if (msg.kind === 'stop') {
      void stopAndRemoveTemporaryPaths().finally(() => send({ kind: 'stopped' }));
      return;
    }
    if (msg.kind === 'close') {
      const closing: Promise<{ files: string[]; problem?: string }> = sink === undefined ? Promise.resolve({ files: [] }) : closeRecordSink(sink);
      void closing.then((c) => {
        sink = undefined;
        send({ kind: 'closed', files: c.files.length, ...(c.problem !== undefined ? { problem: c.problem } : {}) });
      });
      return;
    }
    if (msg.kind === 'job' && msg.s3 !== undefined) configureS3(msg.s3);
    if (msg.kind === 'ack') {
      inFlight--;
      const r = resume;
      resume = undefined;
      r?.();
      return;
    }
    void runJob(msg);
  });
}

if (parentPort !== null) serve(parentPort);
