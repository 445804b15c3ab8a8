// --out-dir: one output file per input, mirroring the input's path below the
// argument it was found under. Each output is written under a temporary
// name and renamed when complete, so an interrupted run never leaves a half
// file that looks whole; an input that could not be read to its end (or
// whose type was not detected) is renamed to `<output>.partial` instead, so
// that --skip-existing retries it.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { StandardFields } from '../core/standard.js';
import type { ReportSink } from './normalize.js';
import { ErrorsFileError } from './report.js';
import { BatchedWriter } from './output.js';
import type { InputPath } from './input.js';
import { isS3Url } from '../s3/url.js';
import { processInput, type InputHooks, type InputSettings, type ProcessedInput } from './process_input.js';

const INPUT_EXTENSIONS = ['.log', '.json', '.jsonl', '.ndjson', '.txt', '.csv', '.parquet'];

/**
 * `…/x.log.gz` → `…/x.ndjson` (`.ndjson.gz` with --gzip); extension-less S3
 * access logs get `.ndjson`. `extension`: the output format's (`.ocsf.ndjson`).
 */
export function outputPathFor(outDir: string, relativePath: string, gzip: boolean, extension = '.ndjson'): string {
  let rel = relativePath;
  if (rel.endsWith('.gz')) rel = rel.slice(0, -3);
  const ext = INPUT_EXTENSIONS.find((e) => rel.endsWith(e));
  if (ext !== undefined) rel = rel.slice(0, -ext.length);
  const name = rel + extension + (gzip ? '.gz' : '');
  // An S3 key is not a path: no `.` or `..` folding, no doubled `/` removed (path.join would also turn `s3://` into `s3:/`).
  if (isS3Url(outDir)) return outDir.endsWith('/') ? outDir + name : `${outDir}/${name}`;
  return join(outDir, name);
}

/** Appended to the output of an input that did not complete: it must not look complete. */
export const PARTIAL_SUFFIX = '.partial';

/** The longest file name (one path component) Linux file systems take, in bytes. */
const NAME_MAX_BYTES = 255;

/** Failures of the file system as a whole: every later output would fail the same way, so the run stops. */
const RUN_WIDE_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** An output cannot be written. `runWide`: the file system is full or read-only, so the run stops. */
export class OutputError extends Error {
  constructor(message: string, readonly runWide = false) {
    super(message);
  }

  static from(what: string, err: unknown): OutputError {
    const code = (err as NodeJS.ErrnoException).code;
    return new OutputError(`${what}: ${(err as Error).message ?? String(err)}`, code !== undefined && RUN_WIDE_CODES.has(code));
  }
}

/** The result of an input whose output could not be written: a problem for that input, or for the run. */
export function failedOutputResult(err: OutputError): ProcessedInput {
  return { counts: new Map(), outputProblem: err.message, ...(err.runWide ? { outputStopsRun: true } : {}) };
}

/** `<output>.partial`: where the output of an input that did not complete is kept. */
export function partialPathFor(outputPath: string): string {
  return outputPath + PARTIAL_SUFFIX;
}

/**
 * The temporary name an output is written under: `<output>.tmp-<pid>`, in
 * the same folder (so the rename is atomic). Outputs are distinct within a
 * run, so the name is too, and the main thread can name a worker's
 * temporary file before the worker creates it (to remove it on a signal).
 * A name that would pass 255 bytes is cut and made unique by a hash.
 */
export function temporaryPathFor(outputPath: string): string {
  const suffix = `.tmp-${process.pid}`;
  const name = basename(outputPath);
  if (Buffer.byteLength(name + suffix) <= NAME_MAX_BYTES) return outputPath + suffix;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  const keep = Buffer.from(name).subarray(0, NAME_MAX_BYTES - suffix.length - hash.length - 1).toString('utf8').replace(/\uFFFD$/, '');
  return join(dirname(outputPath), `${keep}~${hash}${suffix}`);
}

/** Why an output path cannot exist on a Linux file system (a name over 255 bytes), or undefined. */
export function outputNameProblem(outputPath: string): string | undefined {
  for (const part of dirname(outputPath).split('/')) {
    const bytes = Buffer.byteLength(part);
    if (bytes > NAME_MAX_BYTES) return `the folder name ${part.slice(0, 40)}… is ${bytes} bytes long; file systems allow ${NAME_MAX_BYTES} (ENAMETOOLONG)`;
  }
  const bytes = Buffer.byteLength(basename(outputPath));
  if (bytes > NAME_MAX_BYTES) return `the name is ${bytes} bytes long; file systems allow ${NAME_MAX_BYTES} (ENAMETOOLONG)`;
  // Checked now, not after the input is read: an input that does not complete is renamed to <output>.partial.
  if (bytes + PARTIAL_SUFFIX.length > NAME_MAX_BYTES) {
    return `the name is ${bytes} bytes long; with the ${PARTIAL_SUFFIX} suffix awslogs may need it passes the ${NAME_MAX_BYTES} that file systems allow (ENAMETOOLONG)`;
  }
  return undefined;
}

/** The first existing path among `path` and its ancestors (links followed), and whether it is a folder. */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean } | undefined> {
  for (let p = path; ; p = dirname(p)) {
    const s = await stat(p).catch(() => undefined);
    if (s !== undefined) return { path: p, isDirectory: s.isDirectory() };
    if (dirname(p) === p) return undefined;
  }
}

/**
 * Checks that `outputPath` can be written before its input is read: a name
 * the file system takes, a folder that exists or can be created (no file in
 * the way), and no directory at the output path itself. Throws OutputError.
 */
async function prepareOutput(outputPath: string): Promise<void> {
  const nameProblem = outputNameProblem(outputPath);
  if (nameProblem !== undefined) throw new OutputError(`cannot write ${outputPath}: ${nameProblem}`);
  const folder = dirname(outputPath);
  try {
    await mkdir(folder, { recursive: true });
  } catch (err) {
    const blocking = await nearestExisting(folder);
    if (blocking !== undefined && !blocking.isDirectory) {
      // Node's message without the syscall and path it repeats ("ENOTDIR: not a directory"), then which file is in the way.
      const reason = (err as Error).message.split(',')[0];
      throw new OutputError(`cannot create ${folder}: ${reason} (${blocking.path} is a file, not a folder)`);
    }
    throw OutputError.from(`cannot create ${folder}`, err);
  }
  const existing = await lstat(outputPath).catch(() => undefined);
  if (existing?.isDirectory() === true) throw new OutputError(`cannot write ${outputPath}: a folder of that name is in the way`);
}

/** Removes a path, ignoring every error: used on paths that may not exist, while reporting another failure. */
async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

/**
 * Normalizes one input into `outputPath` (through a temporary file). An
 * input that did not complete (`problem` or `detectionProblem` set) is kept
 * as `<outputPath>.partial`, and a complete output of an earlier run is
 * removed (it no longer matches the input); a complete one replaces any
 * `.partial`. Throws OutputError when the output cannot be written (full
 * disk, no permission, a name too long, a folder in the way); the temporary
 * file is removed then. Throws ErrorsFileError as it comes.
 */
export async function normalizeToFile(
  file: InputPath,
  outputPath: string,
  gzip: boolean,
  settings: InputSettings,
  standard: StandardFields,
  reporter: ReportSink,
  hooks: InputHooks = {},
): Promise<ProcessedInput> {
  await prepareOutput(outputPath);
  const temp = temporaryPathFor(outputPath);
  hooks.temporary?.(temp, true);
  const fileStream = createWriteStream(temp);
  let failure: Error | undefined;
  fileStream.on('error', (err) => { failure ??= err; });
  let sink: Writable = fileStream;
  let piped: Promise<void> = finished(fileStream);
  if (gzip) {
    const gz = createGzip();
    piped = pipeline(gz, fileStream);
    sink = gz;
  }
  piped.catch((err: Error) => { failure ??= err; });
  try {
    const writer = new BatchedWriter(sink);
    const result = await processInput(file, settings, standard, writer, reporter, { ...hooks, outputFailure: () => failure });
    await writer.flush();
    sink.end();
    await piped;
    if (failure !== undefined) throw failure;
    await keepOutput(temp, outputPath, result);
    return result;
  } catch (err) {
    sink.destroy();
    await removeQuietly(temp);
    if (err instanceof ErrorsFileError) throw err;
    throw OutputError.from(`cannot write ${outputPath}`, failure ?? err);
  } finally {
    hooks.temporary?.(temp, false);
  }
}

function nothingRead(result: ProcessedInput): boolean {
  for (const c of result.counts.values()) if (c.read > 0) return false;
  return true;
}

/** Renames the finished temporary file to the output, or to `<output>.partial` when the input did not complete. */
async function keepOutput(temp: string, outputPath: string, result: ProcessedInput): Promise<void> {
  const partial = partialPathFor(outputPath);
  if (result.problem === undefined && result.detectionProblem === undefined) {
    await rename(temp, outputPath);
    await removeQuietly(partial);
    return;
  }
  if (result.problem !== undefined && nothingRead(result)) {
    // Not a record could be read (the file cannot be opened): no output at
    // all, not an empty one; the error names the input and a rerun redoes it.
    await removeQuietly(temp);
    await removeQuietly(partial);
    await removeQuietly(outputPath);
    return;
  }
  await rename(temp, partial);
  result.partialOutput = partial;
  // An earlier run's complete output is of an input that no longer reads to its end: it would make --skip-existing pass over this one.
  await removeQuietly(outputPath);
}
