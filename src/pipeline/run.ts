// A whole `normalize` run: expands the inputs (directories walked), normalizes
// each onto stdout in order or into --out-dir, reports, summarizes, and
// decides the exit status (OUTPUT.md): 0 all records normalized, 1 some
// records failed, 2 a usage error, an input unreadable or an output unwritable.
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { StandardFields } from '../core/standard.js';
import { InputListError, expandInputs, type InputFile } from './inputs.js';
import { addCounts, emptyCounts } from './normalize.js';
import { OutputError, normalizeToFile, outputPathFor } from './outdir.js';
import { BatchedWriter } from './output.js';
import { processInParallel } from './parallel.js';
import { processInput, type InputSettings, type ProcessedInput } from './process_input.js';
import { Progress } from './progress.js';
import { TypeTime } from './type_time.js';
import { ErrorsFileError, Reporter, type InputSummary, type RunSummary, type TypeTotals } from './report.js';
import type { Terminal } from './terminal.js';

export const EXIT_OK = 0;
export const EXIT_RECORDS_FAILED = 1;
export const EXIT_USAGE = 2;

export interface RunOptions extends InputSettings {
  /** Files, directories, or `-`; none means stdin. */
  inputs: readonly string[];
  errorsFile?: string;
  quiet: boolean;
  summary: 'text' | 'json';
  /** One output file per input under this directory instead of stdout. */
  outDir?: string;
  gzip: boolean;
  skipExisting: boolean;
  /** Inputs normalized at once on worker threads (1: all in this thread). */
  jobs: number;
  stdout: Writable;
  terminal: Terminal;
  standard?: StandardFields;
}

/** Temporary --out-dir files being written (by this thread or a worker): removed on an interrupt. */
export const temporaryOutputs = new Set<string>();

/** A job of the run: one input and, with --out-dir, where its output goes. */
export interface Job {
  input: InputFile;
  output?: string;
}

function planJobs(files: readonly InputFile[], opts: RunOptions): Job[] | string {
  if (opts.outDir === undefined) return files.map((input) => ({ input }));
  const seen = new Map<string, string>();
  const jobs: Job[] = [];
  for (const input of files) {
    if (input.path === '-') return '--out-dir needs files or directories to read, not stdin';
    const output = outputPathFor(opts.outDir, input.relative, opts.gzip);
    const other = seen.get(output);
    if (other !== undefined) return `${other} and ${input.path} would both be written to ${output}`;
    seen.set(output, input.path);
    jobs.push({ input, output });
  }
  return jobs;
}

export async function runNormalize(opts: RunOptions): Promise<number> {
  const started = Date.now();
  const terminal = opts.terminal;
  let expanded;
  try {
    expanded = await expandInputs(opts.inputs);
  } catch (err) {
    if (!(err instanceof InputListError)) throw err;
    terminal.line(`awslogs: ${err.message}`);
    return EXIT_USAGE;
  }
  const jobs = planJobs(expanded.files, opts);
  if (typeof jobs === 'string') {
    terminal.line(`awslogs: ${jobs}`);
    return EXIT_USAGE;
  }
  const reporter = new Reporter(terminal, opts.errorsFile, opts.quiet);
  try {
    await reporter.ready();
  } catch (err) {
    terminal.line(`awslogs: --errors ${opts.errorsFile}: cannot write (${(err as Error).message})`);
    return EXIT_USAGE;
  }
  if (!opts.quiet && expanded.skipped.length > 0 && expanded.skipped.length <= 5) {
    for (const s of expanded.skipped) reporter.notice(s, 'passed over');
  }
  const progress = !opts.quiet && terminal.live
    ? new Progress(terminal, jobs.length, jobs.reduce((n, j) => n + (j.input.size ?? 0), 0))
    : undefined;

  const standard = opts.standard ?? new StandardFields();
  const out = new BatchedWriter(opts.stdout);
  const types: TypeTotals = new Map();
  const typeTime = new TypeTime();
  const inputs: InputSummary[] = [];
  let unreadable = 0;
  let outputFailed = false;

  const onResult = (job: Job, result: ProcessedInput) => {
    const summary: InputSummary = { file: job.input.path, ...emptyCounts() };
    for (const [type, counts] of result.counts) {
      let t = types.get(type);
      if (t === undefined) types.set(type, (t = { ...emptyCounts(), files: 0, seconds: 0 }));
      t.files++;
      // Time is per input; an input of several types (--detect per-line) gives it to each.
      if (result.span !== undefined) typeTime.add(type, result.span);
      addCounts(t, counts);
      addCounts(summary, counts);
    }
    if (result.logType !== undefined) summary.logType = result.logType;
    if (result.detectionProblem !== undefined) {
      summary.problem = result.detectionProblem;
      reporter.inputProblem(job.input.path, result.detectionProblem);
    }
    if (result.problem !== undefined) {
      unreadable++;
      summary.problem = result.problem;
      reporter.inputProblem(job.input.path, result.problem);
    }
    if (result.outputProblem !== undefined) {
      outputFailed = true;
      summary.problem = result.outputProblem;
      reporter.inputProblem(job.input.path, result.outputProblem);
    } else if (result.skippedExisting) {
      summary.skippedExisting = true;
    } else if (job.output !== undefined) {
      summary.output = job.output;
    }
    inputs.push(summary);
    progress?.fileDone();
  };

  const hooks = {
    progress: (bytes: number, written: number, failed: number, textBytes: number) => progress?.advance(bytes, written, failed, textBytes),
    temporary: (path: string, exists: boolean) => {
      if (exists) temporaryOutputs.add(path);
      else temporaryOutputs.delete(path);
    },
  };
  const inThisThread = async (job: Job): Promise<ProcessedInput> => {
    if (job.output === undefined) return processInput(job.input.path, opts, standard, out, reporter, hooks);
    if (opts.skipExisting && existsSync(job.output)) return { counts: new Map(), skippedExisting: true };
    try {
      return await normalizeToFile(job.input.path, job.output, opts.gzip, opts, standard, reporter, hooks);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      return { counts: new Map(), outputProblem: err.message };
    }
  };

  try {
    // stdin cannot be handed to a worker thread: a run that reads it stays in this thread.
    if (opts.jobs > 1 && jobs.length > 1 && !jobs.some((j) => j.input.path === '-')) {
      await out.flush();
      await processInParallel(jobs, opts, opts.jobs, opts.stdout, reporter, hooks, onResult);
    } else {
      for (const job of jobs) {
        onResult(job, await inThisThread(job));
        // A full disk fails every file after it too: stop at the first.
        if (outputFailed) break;
      }
    }
    await out.flush();
    progress?.finish();
    await reporter.close();
  } catch (err) {
    // Error reports that cannot be kept would be records lost: stop, say so, status 2.
    if (!(err instanceof ErrorsFileError)) throw err;
    progress?.finish();
    terminal.line(`awslogs: ${err.message}`);
    return EXIT_USAGE;
  }

  if (outputFailed && inputs.length < jobs.length) {
    terminal.line(`awslogs: stopped after the output failure: ${jobs.length - inputs.length} inputs were not read`);
  }
  let exitStatus = EXIT_OK;
  for (const t of types.values()) if (t.failed > 0) exitStatus = EXIT_RECORDS_FAILED;
  if (unreadable > 0 || outputFailed) exitStatus = EXIT_USAGE;
  const seconds = (Date.now() - started) / 1000;
  typeTime.fill(types, seconds);
  const run: RunSummary = { inputs, types, skippedFiles: expanded.skipped, seconds, exitStatus };
  if (opts.summary === 'json') reporter.summaryJson(run);
  else reporter.summaryText(run);
  return exitStatus;
}
