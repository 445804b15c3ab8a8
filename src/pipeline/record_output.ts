// Formats written by a RecordSink (--format parquet): the run's records are
// packed, not written one output per input. With --out-dir each thread owns
// one sink whose part files hold at most --max-file-rows rows per log type
// (parts.ts names them); without it the one file goes to stdout. Used by
// run.ts (the main thread) and worker.ts (--jobs).
import type { Writable } from 'node:stream';
import type { StandardFields } from '../core/standard.js';
import { findFormat, type FormatName, type RecordSink } from '../formats/index.js';
import type { ReportSink } from './normalize.js';
import { OutputError, failedOutputResult } from './outdir.js';
import { partOpener, streamPart, type TemporaryHook } from './parts.js';
import { processInput, type InputHooks, type InputSettings, type ProcessedInput } from './process_input.js';
import type { InputPath } from './input.js';

/** Default --max-file-rows: about a million rows a file, the size query engines read best (tens to hundreds of MB). */
export const DEFAULT_MAX_FILE_ROWS = 1_000_000;

/** Where a thread's record sink writes: part files under `outDir`, or a stream. */
export interface SinkTarget {
  outDir?: string;
  /** runLabel() of the run: the same in every thread. */
  run: string;
  /** 0 the main thread, 1… the workers. */
  thread: number;
  maxFileRows: number;
  /** Stdout with --type: the log type of the empty file written when no record came. */
  emptyTable?: string;
}

/** Whether `format` is written by a record sink (then inputs have no output file of their own). */
export function writesRecordSink(format: FormatName | undefined): boolean {
  return findFormat(format ?? 'ndjson')?.recordSink !== undefined;
}

/** The record sink of `format` for one thread, or undefined for a line format. */
export async function openRecordSink(format: FormatName | undefined, target: SinkTarget, stdout: Writable, temporary?: TemporaryHook): Promise<RecordSink | undefined> {
  const descriptor = findFormat(format ?? 'ndjson');
  if (descriptor?.recordSink === undefined) return undefined;
  const makeSink = await descriptor.recordSink();
  if (target.outDir === undefined) {
    return makeSink({
      open: async () => streamPart(stdout, '-'), maxFileRows: Number.POSITIVE_INFINITY, singleTable: true,
      ...(target.emptyTable !== undefined ? { emptyTable: target.emptyTable } : {}),
    });
  }
  return makeSink({
    open: partOpener(target.outDir, target.run, target.thread, descriptor.extension, temporary),
    maxFileRows: target.maxFileRows,
    singleTable: false,
  });
}

/**
 * One input into the thread's record sink. A failure to write a part stops
 * the run (`outputStopsRun`): rows of earlier inputs were in that part, so
 * later inputs would only add to what is lost. Throws what is not an OutputError.
 */
export async function processIntoSink(
  input: InputPath,
  settings: InputSettings,
  standard: StandardFields,
  sink: RecordSink,
  reporter: ReportSink,
  hooks: InputHooks,
): Promise<ProcessedInput> {
  try {
    return await processInput(input, settings, standard, sink, reporter, hooks);
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    await sink.abort();
    return failedOutputResult(new OutputError(`${err.message} (the part files not yet complete were removed; the run stops)`, true));
  }
}

/** Completes the sink's files: their names, or why they could not be completed (the others are removed). */
export async function closeRecordSink(sink: RecordSink): Promise<{ files: string[]; problem?: string }> {
  try {
    return { files: await sink.close() };
  } catch (err) {
    await sink.abort();
    return { files: [], problem: err instanceof Error ? err.message : String(err) };
  }
}
