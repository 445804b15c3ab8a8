// --out-dir: one output file per input, mirroring the input's path below the
// argument it was found under. Each output is written under a temporary
// name and renamed when complete, so an interrupted run never leaves a half
// file that looks whole.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { StandardFields } from '../core/standard.js';
import type { ReportSink } from './normalize.js';
import { ErrorsFileError } from './report.js';
import { BatchedWriter } from './output.js';
import type { InputPath } from './input.js';
import { processInput, type InputHooks, type InputSettings, type ProcessedInput } from './process_input.js';

const INPUT_EXTENSIONS = ['.log', '.json', '.jsonl', '.ndjson', '.txt', '.csv'];

/** `…/x.log.gz` → `…/x.ndjson` (`.ndjson.gz` with --gzip); extension-less S3 access logs get `.ndjson`. */
export function outputPathFor(outDir: string, relativePath: string, gzip: boolean): string {
  let rel = relativePath;
  if (rel.endsWith('.gz')) rel = rel.slice(0, -3);
  const ext = INPUT_EXTENSIONS.find((e) => rel.endsWith(e));
  if (ext !== undefined) rel = rel.slice(0, -ext.length);
  return join(outDir, rel + (gzip ? '.ndjson.gz' : '.ndjson'));
}

export class OutputError extends Error {}

/**
 * Normalizes one input into `outputPath` (through a temporary file). Throws
 * OutputError when the output cannot be written (full disk, no permission);
 * the temporary file is removed then.
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
  const temp = `${outputPath}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await mkdir(dirname(outputPath), { recursive: true });
  } catch (err) {
    throw new OutputError(`cannot create ${dirname(outputPath)}: ${(err as Error).message}`);
  }
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
    await rename(temp, outputPath);
    return result;
  } catch (err) {
    sink.destroy();
    await rm(temp, { force: true });
    if (err instanceof ErrorsFileError) throw err;
    throw new OutputError(`cannot write ${outputPath}: ${(failure ?? (err as Error)).message}`);
  } finally {
    hooks.temporary?.(temp, false);
  }
}
