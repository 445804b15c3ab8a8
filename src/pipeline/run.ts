// A whole `normalize` run over its inputs: checks them, normalizes each in
// order onto one output, reports, and decides the exit status (OUTPUT.md):
// 0 all records normalized, 1 some records failed, 2 an input unreadable.
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { StandardFields } from '../core/standard.js';
import { addCounts, emptyCounts } from './normalize.js';
import { BatchedWriter } from './output.js';
import { processInParallel } from './parallel.js';
import { processInput, type InputSettings, type ProcessedInput } from './process_input.js';
import { Reporter, type TypeTotals } from './report.js';

export const EXIT_OK = 0;
export const EXIT_RECORDS_FAILED = 1;
export const EXIT_USAGE = 2;

export interface RunOptions extends InputSettings {
  inputs: readonly string[];
  errorsFile?: string;
  quiet: boolean;
  stdout: Writable;
  stderr: Writable;
  /** Inputs normalized at once on worker threads (1: all in this thread). */
  jobs: number;
  standard?: StandardFields;
}

/** Checks every named file before any output, so a typo fails fast and cleanly. */
export async function findUnreadable(inputs: readonly string[]): Promise<[string, string] | undefined> {
  for (const file of inputs) {
    if (file === '-') continue;
    try {
      const s = await stat(file);
      if (s.isDirectory()) return [file, 'is a directory'];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return [file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((err as Error).message)];
    }
  }
  return undefined;
}

export async function runNormalize(opts: RunOptions): Promise<number> {
  const inputs = opts.inputs.length === 0 ? ['-'] : opts.inputs;
  const unreadable = await findUnreadable(inputs);
  if (unreadable !== undefined) {
    opts.stderr.write(`awslogs: ${unreadable[0]}: ${unreadable[1]}\n`);
    return EXIT_USAGE;
  }
  const reporter = new Reporter(opts.stderr, opts.errorsFile, opts.quiet);
  try {
    await reporter.ready();
  } catch (err) {
    opts.stderr.write(`awslogs: --errors ${opts.errorsFile}: cannot write (${(err as Error).message})\n`);
    return EXIT_USAGE;
  }
  const standard = opts.standard ?? new StandardFields();
  const out = new BatchedWriter(opts.stdout);
  const totals: TypeTotals = new Map();
  let unreadableInputs = 0;
  const onResult = (file: string, result: ProcessedInput) => {
    for (const [type, counts] of result.counts) {
      let t = totals.get(type);
      if (t === undefined) totals.set(type, (t = { ...emptyCounts(), files: 0 }));
      t.files++;
      addCounts(t, counts);
    }
    if (result.detectionProblem !== undefined) reporter.inputProblem(file, result.detectionProblem);
    if (result.problem !== undefined) {
      unreadableInputs++;
      reporter.inputProblem(file, result.problem);
    }
  };
  // stdin cannot be handed to a worker thread: a run that reads it stays in this thread.
  if (opts.jobs > 1 && inputs.length > 1 && !inputs.includes('-')) {
    await processInParallel(inputs, opts, opts.jobs, opts.stdout, reporter, onResult);
  } else {
    for (const file of inputs) onResult(file, await processInput(file, opts, standard, out, reporter));
  }
  await out.flush();
  await reporter.close();
  reporter.summary(totals);
  if (unreadableInputs > 0) return EXIT_USAGE;
  for (const t of totals.values()) if (t.failed > 0) return EXIT_RECORDS_FAILED;
  return EXIT_OK;
}
