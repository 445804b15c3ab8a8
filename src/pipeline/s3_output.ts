// --out-dir s3://bucket/prefix: each input's output streamed to one object
// by a multipart upload (src/s3/upload.ts, loaded only here), the S3 twin
// of outdir.ts. Nothing is visible at the key until the upload completes;
// an interrupt (SIGINT, SIGTERM, SIGHUP) aborts the uploads in flight
// (cleanup.ts stoppers), so an interrupted run leaves no object. An input
// that did not complete is kept as `<key>.partial`, as on disk.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { StandardFields } from '../core/standard.js';
import { parseS3Url, type S3Location } from '../s3/url.js';
import { registerStopper } from './cleanup.js';
import type { InputPath } from './input.js';
import type { ReportSink } from './normalize.js';
import { OutputError, partialPathFor } from './outdir.js';
import { BatchedWriter } from './output.js';
import { processInput, type InputHooks, type InputSettings, type ProcessedInput } from './process_input.js';
import { ErrorsFileError } from './report.js';

function locationOf(url: string): S3Location {
  const location = parseS3Url(url);
  // Output URLs are built from a checked --out-dir and listed keys: a failure here is a bug, not input.
  if (typeof location === 'string') throw new OutputError(`cannot write ${url}: ${location}`);
  return location;
}

/** Whether an output object exists already (--skip-existing). Throws OutputError (run-wide for credentials or a missing bucket). */
export async function s3OutputExists(url: string): Promise<boolean> {
  const { s3ObjectExists } = await import('../s3/upload.js');
  const { S3Error } = await import('../s3/errors.js');
  try {
    return await s3ObjectExists(locationOf(url));
  } catch (err) {
    if (err instanceof S3Error) throw new OutputError(err.message, err.problem.runLevel);
    throw err;
  }
}

function nothingRead(result: ProcessedInput): boolean {
  for (const c of result.counts.values()) if (c.read > 0) return false;
  return true;
}

/**
 * Normalizes one input into the object at `outputUrl` (`s3://bucket/key`).
 * Resolves when the object is complete; an input that did not complete is
 * moved to `<key>.partial` (none at all when not a record could be read).
 * Throws OutputError when the object cannot be written (`runWide` for
 * credentials, a missing bucket or denied writes: every later output would
 * fail the same way); ErrorsFileError as it comes.
 */
export async function normalizeToObject(
  file: InputPath,
  outputUrl: string,
  gzip: boolean,
  settings: InputSettings,
  standard: StandardFields,
  reporter: ReportSink,
  hooks: InputHooks = {},
): Promise<ProcessedInput> {
  const { startS3Upload, moveS3Object, deleteS3Object } = await import('../s3/upload.js');
  const { S3Error } = await import('../s3/errors.js');
  const location = locationOf(outputUrl);
  const upload = await startS3Upload(location, gzip ? 'application/gzip' : 'application/x-ndjson');
  const unregister = registerStopper(upload.abort);
  let failure: Error | undefined;
  upload.done.catch((err: Error) => { failure ??= err; });
  let sink: Writable = upload.stream;
  let piped: Promise<void> | undefined;
  if (gzip) {
    const gz = createGzip();
    piped = pipeline(gz, upload.stream);
    piped.catch((err: Error) => { failure ??= err; });
    sink = gz;
  }
  try {
    const writer = new BatchedWriter(sink);
    const result = await processInput(file, settings, standard, writer, reporter, { ...hooks, outputFailure: () => failure });
    await writer.flush();
    if (result.problem !== undefined && nothingRead(result)) {
      // Not a record could be read: no output at all (not an empty one), and an earlier run's output goes too.
      await upload.abort();
      await deleteS3Object(location).catch(() => undefined);
      return result;
    }
    sink.end();
    if (piped !== undefined) await piped;
    await upload.done;
    if (result.problem !== undefined || result.detectionProblem !== undefined) {
      const partial = { bucket: location.bucket, key: partialPathFor(location.key) };
      await moveS3Object(location, partial);
      result.partialOutput = `s3://${partial.bucket}/${partial.key}`;
    }
    return result;
  } catch (err) {
    await upload.abort();
    if (err instanceof ErrorsFileError) throw err;
    const cause = failure ?? err;
    if (cause instanceof S3Error) throw new OutputError(cause.message, cause.problem.runLevel || cause.problem.code === 'NoSuchBucket');
    throw OutputError.from(`cannot write ${outputUrl}`, cause);
  } finally {
    unregister();
  }
}
