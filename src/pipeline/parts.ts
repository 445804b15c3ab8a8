// Output files of a record sink (--format parquet): the part files of each
// log type under --out-dir (a local folder or s3://), or stdout. A part is
// written under a temporary name (or as an S3 multipart upload) and becomes
// visible only when complete, as outdir.ts does for one output per input.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PartFile } from '../formats/index.js';
import { isS3Url, parseS3Url } from '../s3/url.js';
import { registerStopper } from './cleanup.js';
import { OutputError, temporaryPathFor } from './outdir.js';
import { waitForDrain } from './output.js';

/**
 * What tells this run's parts from another's in the same folder: the UTC
 * start time (so part names sort by run) and 3 random bytes (two runs in
 * the same second). `20261201T054449Z-a1b2c3`.
 */
export function runLabel(now = new Date()): string {
  const time = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${time}-${randomBytes(3).toString('hex')}`;
}

/**
 * `<outDir>/<LogType>/part-<run>-<thread>-<NNNNN>.parquet`: one folder per
 * log type (one table each, as Athena and Glue want), thread `0` the main
 * one and `1`… the --jobs workers, NNNNN the part number.
 */
export function partName(outDir: string, table: string, run: string, thread: number, part: number, extension: string): string {
  const name = `${table}/part-${run}-${thread}-${String(part).padStart(5, '0')}${extension}`;
  if (isS3Url(outDir)) return outDir.endsWith('/') ? outDir + name : `${outDir}/${name}`;
  return join(outDir, name);
}

/** Writes to a stream, waiting while it is full; rejects when it failed. */
async function writeTo(stream: Writable, chunk: Uint8Array): Promise<void> {
  if (!stream.write(chunk)) await waitForDrain(stream);
}

/** `temporary`: told when a temporary file appears (true) and goes (false), so an interrupt removes it. */
export type TemporaryHook = (path: string, exists: boolean) => void;

/** A part on the local file system: written to `<path>.tmp-<pid>`, renamed when complete. */
export async function openLocalPart(path: string, temporary?: TemporaryHook): Promise<PartFile> {
  const temp = temporaryPathFor(path);
  try {
    await mkdir(join(path, '..'), { recursive: true });
  } catch (err) {
    throw OutputError.from(`cannot write ${path}`, err);
  }
  temporary?.(temp, true);
  const stream = createWriteStream(temp);
  let failure: Error | undefined;
  stream.on('error', (err) => { failure ??= err; });
  const fail = (err: unknown): never => { throw OutputError.from(`cannot write ${path}`, failure ?? err); };
  const remove = async () => {
    stream.destroy();
    await rm(temp, { force: true }).catch(() => undefined);
    temporary?.(temp, false);
  };
  return {
    write: (chunk) => writeTo(stream, chunk).catch(async (err: unknown) => { await remove(); return fail(err); }),
    commit: async () => {
      try {
        stream.end();
        await finished(stream);
        if (failure !== undefined) throw failure;
        await rename(temp, path);
        temporary?.(temp, false);
        return path;
      } catch (err) {
        await remove();
        return fail(err);
      }
    },
    abort: remove,
  };
}

/** A part in S3: a multipart upload, completed by commit (nothing is visible at the key before). */
export async function openS3Part(url: string): Promise<PartFile> {
  const location = parseS3Url(url);
  if (typeof location === 'string') throw new OutputError(`cannot write ${url}: ${location}`);
  const { startS3Upload } = await import('../s3/upload.js');
  const { S3Error } = await import('../s3/errors.js');
  const asOutputError = (err: unknown): OutputError => err instanceof S3Error
    ? new OutputError(err.message, err.problem.runLevel || err.problem.code === 'NoSuchBucket')
    : OutputError.from(`cannot write ${url}`, err);
  const upload = await startS3Upload(location, 'application/vnd.apache.parquet');
  const unregister = registerStopper(upload.abort);
  let failure: unknown;
  upload.done.catch((err: unknown) => { failure ??= err; });
  const abort = async () => {
    unregister();
    await upload.abort();
  };
  return {
    write: async (chunk) => {
      try {
        if (failure !== undefined) throw failure;
        await writeTo(upload.stream, chunk);
      } catch (err) {
        await abort();
        throw asOutputError(failure ?? err);
      }
    },
    commit: async () => {
      try {
        upload.stream.end();
        await upload.done;
        unregister();
        return url;
      } catch (err) {
        await abort();
        throw asOutputError(failure ?? err);
      }
    },
    abort,
  };
}

/** The one file of a stream (stdout): never ended here, the stream stays the run's. */
export function streamPart(stream: Writable, name: string): PartFile {
  return {
    write: (chunk) => writeTo(stream, chunk),
    commit: async () => name,
    abort: async () => undefined,
  };
}

/** Opens the `part`-th file of `table` under `outDir` (local or s3://), for the thread numbered `thread`. */
export function partOpener(outDir: string, run: string, thread: number, extension: string, temporary?: TemporaryHook): (table: string, part: number) => Promise<PartFile> {
  return (table, part) => {
    const path = partName(outDir, table, run, thread, part, extension);
    return isS3Url(outDir) ? openS3Part(path) : openLocalPart(path, temporary);
  };
}
