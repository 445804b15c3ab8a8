// A whole `normalize` run: expands the inputs (directories walked), normalizes
// each onto stdout in order or into --out-dir, reports, summarizes, and
// decides the exit status (OUTPUT.md): 0 all records normalized, 1 some
// records failed, 2 a usage error, an input unreadable or an output unwritable.
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { StandardFields } from '../core/standard.js';
import { findFormat } from '../formats/index.js';
import { temporaryPaths } from './cleanup.js';
import { expandInputs, type InputFile } from './inputs.js';
import { addCounts, emptyCounts } from './normalize.js';
import { OutputError, normalizeToFile, failedOutputResult, outputPathFor } from './outdir.js';
import { BatchedWriter } from './output.js';
import { MAX_WORKERS, processInParallel } from './parallel.js';
import { ChunkPool } from './chunks.js';
import { findOutputClashes, findOutputOverInput } from './output_safety.js';
import { processInput, type InputSettings, type ProcessedInput } from './process_input.js';
import { DEFAULT_MAX_FILE_ROWS, closeRecordSink, openRecordSink, processIntoSink, writesRecordSink, type SinkTarget } from './record_output.js';
import { runLabel } from './parts.js';
import { Progress } from './progress.js';
import { normalizeToObject, s3OutputExists } from './s3_output.js';
import { isS3Url, parseS3Url } from '../s3/url.js';
import { TypeTime } from './type_time.js';
import { capYoungGeneration, limitOldGenerationGrowth } from './heap_release.js';
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
  /** Follow symbolic links inside walked directories (--follow). */
  follow?: boolean;
  /** --format parquet with --out-dir: rows a part file holds at most (--max-file-rows). */
  maxFileRows?: number;
}

/** Temporary --out-dir files being written (by this thread or a worker): removed on an interrupt or any other exit. */
export const temporaryOutputs = temporaryPaths;

/** A job of the run: one input and, with --out-dir, where its output goes. */
export interface Job {
  input: InputFile;
  output?: string;
  /** Why the output cannot be written, known before anything is read (it clashes with another output). */
  outputClash?: string;
}

function planJobs(files: readonly InputFile[], opts: RunOptions): Job[] | string {
  // A record-sink format (Parquet) packs the run's records into part files: no output per input.
  if (opts.outDir === undefined || writesRecordSink(opts.format)) return files.map((input) => ({ input }));
  const seen = new Map<string, string>();
  const jobs: Job[] = [];
  for (const input of files) {
    if (input.path === '-') return '--out-dir needs files or directories to read, not stdin';
    const output = outputPathFor(opts.outDir, input.relative, opts.gzip, findFormat(opts.format ?? 'ndjson')?.extension);
    const other = seen.get(output);
    if (other !== undefined) return `${other} and ${input.path} would both be written to ${output}`;
    seen.set(output, input.path);
    jobs.push({ input, output });
  }
  return jobs;
}

/**
 * Why the outputs of this run are unsafe (one is an input), checked before
 * anything is opened for writing; also marks the jobs whose output clashes
 * with an earlier one (an error for that input only).
 */
function outputSafetyProblem(opts: RunOptions, files: readonly InputFile[], jobs: readonly Job[]): string | undefined {
  // S3 outputs were checked before the listing (s3OutputOverInput); the file system checks see only local paths.
  const local = (p: string | undefined) => p !== undefined && !isS3Url(p);
  const withOutput = jobs.filter((j) => local(j.output));
  const outputs = withOutput.map((j) => ({ input: j.input.path, output: j.output! }));
  if (local(opts.outDir)) {
    for (const [index, clash] of findOutputClashes(opts.outDir!, outputs)) withOutput[index]!.outputClash = clash;
  }
  return findOutputOverInput({
    args: opts.inputs.filter((a) => !isS3Url(a)),
    inputs: files.map((f) => f.path).filter((p) => !isS3Url(p)),
    ...(local(opts.errorsFile) ? { errorsFile: opts.errorsFile! } : {}),
    ...(local(opts.outDir) ? { outDir: opts.outDir! } : {}),
    outputs,
    stdoutUsed: opts.outDir === undefined,
  });
}

/**
 * An S3 --out-dir or --errors inside an s3:// input (or an input inside the
 * --out-dir): this run or the next would read its own output as logs.
 */
function s3OutputOverInput(opts: RunOptions): string | undefined {
  const inputs = opts.inputs.filter(isS3Url);
  for (const [option, target] of [['--out-dir', opts.outDir], ['--errors', opts.errorsFile]] as const) {
    if (target === undefined || !isS3Url(target)) continue;
    const out = parseS3Url(target);
    if (typeof out === 'string') return `${option}: ${out}`;
    for (const arg of inputs) {
      const input = parseS3Url(arg);
      if (typeof input === 'string' || input.bucket !== out.bucket) continue;
      if (out.key.startsWith(input.key) || (option === '--out-dir' && input.key.startsWith(out.key))) {
        return `${option} ${target} overlaps the input ${arg}: a run would read its own output as logs; choose a prefix outside the inputs`;
      }
    }
  }
  return undefined;
}

/** Why the bucket of an s3:// output cannot be written (missing, credentials), or undefined. */
async function s3BucketProblem(url: string): Promise<string | undefined> {
  const location = parseS3Url(url);
  if (typeof location === 'string') return location;
  const { checkS3Bucket } = await import('../s3/upload.js');
  try {
    await checkS3Bucket(location.bucket);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function runNormalize(opts: RunOptions): Promise<number> {
  const started = Date.now();
  const terminal = opts.terminal;
  const range = opts.filter?.since !== undefined || opts.filter?.until !== undefined
    ? { ...(opts.filter.since !== undefined ? { since: opts.filter.since } : {}), ...(opts.filter.until !== undefined ? { until: opts.filter.until } : {}) }
    : undefined;
  const unsafeS3 = s3OutputOverInput(opts);
  if (unsafeS3 !== undefined) {
    terminal.finalLine('usage-error', unsafeS3, EXIT_USAGE);
    return EXIT_USAGE;
  }
  const expanded = await expandInputs(opts.inputs, {
    follow: opts.follow === true,
    ...(opts.outDir !== undefined && !isS3Url(opts.outDir) ? { outDir: opts.outDir } : {}),
    ...(range !== undefined ? { range } : {}),
  });
  if (expanded.fatal !== undefined) {
    terminal.finalLine('fatal', expanded.fatal, EXIT_USAGE);
    return EXIT_USAGE;
  }
  const jobs = planJobs(expanded.files, opts);
  if (typeof jobs === 'string') {
    terminal.finalLine('usage-error', jobs, EXIT_USAGE);
    return EXIT_USAGE;
  }
  const unsafe = outputSafetyProblem(opts, expanded.files, jobs);
  if (unsafe !== undefined) {
    terminal.finalLine('usage-error', unsafe, EXIT_USAGE);
    return EXIT_USAGE;
  }
  // A record sink (Parquet) holds a row group on purpose; every other run streams.
  if (!writesRecordSink(opts.format)) limitOldGenerationGrowth();
  const reporter = new Reporter(terminal, opts.errorsFile, opts.quiet);
  try {
    await reporter.ready();
  } catch (err) {
    terminal.finalLine('usage-error', `--errors ${opts.errorsFile ?? ''}: cannot write (${(err as Error).message})`, EXIT_USAGE);
    return EXIT_USAGE;
  }
  if (opts.outDir !== undefined && isS3Url(opts.outDir)) {
    const problem = await s3BucketProblem(opts.outDir);
    if (problem !== undefined) {
      terminal.finalLine('fatal', `--out-dir ${opts.outDir}: ${problem}`, EXIT_USAGE);
      return EXIT_USAGE;
    }
  }
  if (expanded.skipped.length <= 5) for (const s of expanded.skipped) reporter.skippedFile(s);
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
  // Paths that could not be read at all (a missing argument, an unreadable
  // directory): named now, the others still read, exit 2 at the end.
  for (const u of expanded.unreadable) {
    unreadable++;
    inputs.push({ file: u.file, ...emptyCounts(), problem: u.problem });
    reporter.inputProblem(u.file, u.problem);
  }
  /** A full or read-only file system: every later output would fail the same way. */
  let runStopped = false;
  /** Record-sink formats: the part files completed, and a failure to complete one (exit 2). */
  let partsWritten = 0;
  const sinkProblem = (problem: string) => {
    outputFailed = true;
    reporter.inputProblem(opts.outDir ?? '-', problem);
  };

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
      if (result.outputStopsRun === true) runStopped = true;
      summary.problem = result.outputProblem;
      reporter.inputProblem(job.input.path, result.outputProblem);
    } else if (result.skippedExisting) {
      summary.skippedExisting = true;
    } else if (job.output !== undefined) {
      summary.output = result.partialOutput ?? job.output;
      if (result.partialOutput !== undefined) summary.partial = true;
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
  const sinkTarget: SinkTarget = { ...(opts.outDir !== undefined ? { outDir: opts.outDir } : {}), run: runLabel(), thread: 0, maxFileRows: opts.maxFileRows ?? DEFAULT_MAX_FILE_ROWS,
    ...(opts.logType !== undefined ? { emptyTable: opts.logType.name } : {}) };
  const sink = await openRecordSink(opts.format, sinkTarget, opts.stdout, hooks.temporary);
  // One Parquet stream on stdout is written by one thread.
  const oneStream = sink !== undefined && opts.outDir === undefined;
  // Stdin, or fewer inputs than --jobs would use: the inputs are read one after
  // the other on this thread, and the chunks of each text input on the pool's
  // (records for a record sink stay on this thread: the sink is here).
  const runnable = jobs.filter((j) => j.outputClash === undefined);
  const byFile = opts.jobs > 1 && runnable.length > 1 && !runnable.some((j) => j.input.path === '-') && !oneStream;
  const chunkPool = opts.jobs > 1 && !byFile && sink === undefined ? new ChunkPool(Math.min(opts.jobs, MAX_WORKERS)) : undefined;
  const settings: InputSettings = chunkPool !== undefined ? { ...opts, chunkPool } : opts;
  // This thread does the work (a JSON input reads no chunk pool's worker either): keep its
  // young generation small; the pool lifts the cap if it starts its workers (resourceLimits).
  if (!byFile && sink === undefined) capYoungGeneration();
  const inThisThread = async (job: Job): Promise<ProcessedInput> => {
    if (sink !== undefined) return processIntoSink(job.input, opts, standard, sink, reporter, hooks);
    if (job.output === undefined) return processInput(job.input, settings, standard, out, reporter, hooks);
    try {
      if (isS3Url(job.output)) {
        if (opts.skipExisting && await s3OutputExists(job.output)) return { counts: new Map(), skippedExisting: true };
        return await normalizeToObject(job.input, job.output, opts.gzip, settings, standard, reporter, hooks);
      }
      if (opts.skipExisting && existsSync(job.output)) return { counts: new Map(), skippedExisting: true };
      return await normalizeToFile(job.input, job.output, opts.gzip, settings, standard, reporter, hooks);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      return failedOutputResult(err);
    }
  };

  // Clashing outputs are reported first: they were found before anything was written, and their inputs are not read.
  for (const job of jobs) if (job.outputClash !== undefined) onResult(job, { counts: new Map(), outputProblem: job.outputClash });
  try {
    // stdin cannot be handed to a worker thread: a run that reads it stays in this thread.
    if (byFile) {
      await out.flush();
      const threads = Math.min(opts.jobs, MAX_WORKERS);
      if (threads < Math.min(opts.jobs, runnable.length)) {
        reporter.runNotice(`--jobs ${opts.jobs} lowered to ${threads} (4 per core): more workers would only add memory, not speed`);
      }
      const closed = await processInParallel(runnable, { ...opts, ...(sink !== undefined ? { sinkTarget } : {}) }, threads, opts.stdout, reporter, hooks, onResult);
      partsWritten += closed.files;
      for (const problem of closed.problems) sinkProblem(problem);
    } else {
      for (const job of runnable) {
        onResult(job, await inThisThread(job));
        // A full disk fails every file after it too: stop at the first. Other
        // output failures (a name too long, a folder in the way) are that input's.
        if (runStopped) break;
      }
    }
    await out.flush();
    if (sink !== undefined) {
      const closed = await closeRecordSink(sink);
      partsWritten += closed.files.length;
      if (closed.problem !== undefined) sinkProblem(closed.problem);
    }
    progress?.finish();
    if (sink !== undefined && opts.outDir !== undefined) reporter.runNotice(`${partsWritten} ${opts.format ?? ''} files written under ${opts.outDir}`);
    await reporter.close();
  } catch (err) {
    // Error reports that cannot be kept would be records lost: stop, say so, status 2.
    if (!(err instanceof ErrorsFileError)) throw err;
    progress?.finish();
    terminal.finalLine('fatal', err.message, EXIT_USAGE);
    return EXIT_USAGE;
  } finally {
    // Live threads would keep the process from ending.
    await chunkPool?.close();
  }

  if (runStopped && inputs.length < jobs.length) {
    terminal.line(`awslogs: stopped after the output failure: ${jobs.length - inputs.length} inputs were not read`);
  }
  let exitStatus = EXIT_OK;
  for (const t of types.values()) if (t.failed > 0) exitStatus = EXIT_RECORDS_FAILED;
  if (unreadable > 0 || outputFailed) exitStatus = EXIT_USAGE;
  const seconds = (Date.now() - started) / 1000;
  typeTime.fill(types, seconds);
  const run: RunSummary = {
    inputs,
    types,
    skippedFiles: expanded.skipped,
    seconds,
    exitStatus,
    ...(expanded.s3 !== undefined ? { s3: { ...expanded.s3, read: inputs.filter((i) => isS3Url(i.file) && i.skippedExisting !== true).length } } : {}),
  };
  if (opts.summary === 'json') reporter.summaryJson(run);
  else reporter.summaryText(run);
  return exitStatus;
}
