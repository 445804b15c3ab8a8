// Opening an input: a file or stdin, gzip or plain. Gzip is recognised by its
// magic bytes, never by the name; gunzip.ts reads the concatenated members
// AWS writes, and what may follow them, without losing a byte before damage.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isS3Url, parseS3Url } from '../s3/url.js';
import { GzipDataError, gunzip, type GunzipOptions } from './gunzip.js';

// 128 KiB reads: well under the ~1 MB above which Node makes a chunk's text
// an external string, memory V8 gives back only after a full collection:
// 1 MiB reads peaked 40 MB higher at the same CPU time (README, Performance).
const READ_CHUNK = 1 << 17;

/**
 * An input that cannot be read whole (exit status 2): the message names the
 * problem. `cutShort`: the data ends at the fault, so a last record without
 * its line end is half a record (reported as incomplete, not parsed).
 */
export class InputError extends Error {
  constructor(message: string, readonly cutShort = true) {
    super(message);
    this.name = 'InputError';
  }
}

export interface InputInfo {
  gzip: boolean;
  /** Compressed (or plain) bytes read so far. */
  bytesRead: number;
  /** The input again by byte ranges, when it can be (an S3 object): how Parquet is read from it. */
  ranged?: RangedInput;
}

/**
 * An input that can be read by byte ranges, pinned to one version (an S3
 * object: ranged GetObject with If-Match). `size` in bytes; `read` gives
 * bytes [start, end) and throws (InputError) when they cannot be had.
 */
export interface RangedInput {
  readonly size: number;
  read(start: number, end: number): AsyncGenerator<Buffer>;
}

/**
 * An input to open: a path, or an input whose name is not valid UTF-8:
 * `path` names it in messages (invalid bytes shown `\xNN`) and `bytes` is
 * what is opened (a Uint8Array once it has crossed to a worker thread).
 */
export type InputPath = string | { readonly path: string; readonly bytes?: Uint8Array; readonly etag?: string } | StreamedInput;

/**
 * An input that is no file: its bytes come from `open` (an S3 object, a
 * payload of a Lambda event), named `path` in messages and reports. `reread`
 * gives bytes [start, end) of it again, when it can (gzip recovery).
 */
export interface StreamedInput {
  readonly path: string;
  open(): AsyncIterable<Buffer>;
  reread?(start: number, end?: number): AsyncGenerator<Buffer>;
  /** Its size in bytes once open() has answered, when known: with `reread`, Parquet is read from it by ranges. */
  size?(): Promise<number | undefined>;
}

function isStreamed(input: InputPath): input is StreamedInput {
  return typeof input === 'object' && 'open' in input;
}

/** The name of an input in messages and error reports. */
export function shownPath(input: InputPath): string {
  return typeof input === 'string' ? input : input.path;
}

/**
 * What the file system opens for an input that is a local file or stdin
 * (`-`), or undefined for one that is not (an `s3://` object, a streamed
 * input): Parquet, read by columns, needs a local file's random access.
 */
export function localFile(input: InputPath): string | Buffer | undefined {
  if (isStreamed(input)) return undefined;
  const path = openPath(input);
  return typeof path === 'string' && isS3Url(path) ? undefined : path;
}

/** What the file system opens for an input. */
export function openPath(input: Exclude<InputPath, StreamedInput>): string | Buffer {
  if (typeof input === 'string') return input;
  const bytes = input.bytes;
  return bytes === undefined ? input.path : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return e.message ?? String(err);
  }
}

/**
 * The decompressed bytes of one input, pulled chunk by chunk so the consumer's
 * pace is the reader's pace (back-pressure end to end). `info` is filled in
 * as reading goes on; `notice` hears what is worth telling but not an error
 * (trailing garbage after gzip data). Throws InputError after the last byte
 * that could be read when the input cannot be read whole.
 */
export async function* readInput(
  input: InputPath,
  info: InputInfo = { gzip: false, bytesRead: 0 },
  notice?: (message: string) => void,
): AsyncGenerator<Buffer> {
  const path = isStreamed(input) ? undefined : openPath(input);
  let streamReread: ((start: number, end?: number) => AsyncGenerator<Buffer>) | undefined;
  let source: AsyncIterable<Buffer>;
  /** The size of an input that can be read by ranges, once known. */
  let rangedSize: (() => Promise<number | undefined>) | undefined;
  if (path === undefined) {
    const streamed = input as StreamedInput;
    source = streamed.open();
    streamReread = streamed.reread?.bind(streamed);
    rangedSize = streamed.size?.bind(streamed);
  } else if (typeof path === 'string' && isS3Url(path)) {
    const opened = await openS3Input(path, typeof input === 'string' ? undefined : (input as { etag?: string }).etag);
    source = opened.body;
    streamReread = opened.reread;
    rangedSize = async () => opened.size;
  } else {
    source = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK }) as Readable;
  }
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head: Buffer;
  try {
    // Two bytes decide the format; a first read shorter than that is rare but legal.
    head = Buffer.alloc(0);
    while (head.length < 2) {
      const next = await chunks.next();
      if (next.done) break;
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
  } catch (err) {
    throw new InputError(describeReadError(err));
  }
  if (head.length === 0) return;
  info.bytesRead = head.length;
  info.gzip = head[0] === 0x1f && head[1] === 0x8b;
  const size = await rangedSize?.();
  if (streamReread !== undefined && size !== undefined) info.ranged = rangedInput(size, streamReread);

  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      info.bytesRead += next.value.length;
      yield next.value;
    }
  };

  if (!info.gzip) {
    try {
      yield* rest();
    } catch (err) {
      throw new InputError(describeReadError(err));
    } finally {
      // A reader that stops early (Parquet found: read by ranges instead) ends the streamed GET, freeing its connection.
      if (info.ranged !== undefined) await chunks.return?.();
    }
    return;
  }

  // Only a regular file, an S3 object (a ranged GET) or a streamed input that says how reads the same bytes again (not stdin, a pipe or /dev/fd/N).
  const reread = path === undefined || streamReread !== undefined ? streamReread
    : path !== '-' && await isRegularFile(path) ? (start: number, end?: number) => rereadFile(path, start, end) : undefined;
  try {
    yield* gunzipInput(rest(), {
      ...(notice !== undefined ? { notice } : {}),
      ...(reread !== undefined ? { reread } : {}),
    });
  } finally {
    // After a hand-over (gunzip.ts) the first read may not be at its end: close it.
    await chunks.return?.();
  }
}

/** gunzip() with its faults and read errors as InputError, as the pipeline takes them. */
export async function* gunzipInput(chunks: AsyncIterator<Buffer>, options: GunzipOptions): AsyncGenerator<Buffer> {
  try {
    yield* innerLayers(gunzip(chunks, options), options, 1);
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof GzipDataError) throw new InputError(err.message, err.cutShort);
    throw new InputError(describeReadError(err));
  }
}

/** Gzip layers decoded at most: Firehose's own compression over CloudWatch's gzip payloads is two (spec §4.3). */
const MAX_GZIP_LAYERS = 3;

/**
 * The decompressed `output` of gzip layer `layer`, itself decoded when it
 * is gzip again (its first bytes `1f 8b 08`), up to MAX_GZIP_LAYERS. An
 * inner layer's faults name their layer (offsets count in its bytes).
 */
async function* innerLayers(output: AsyncGenerator<Buffer>, options: GunzipOptions, layer: number): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    if (size >= 3) break;
    const next = await output.next();
    if (next.done === true) break;
    head.push(next.value);
    size += next.value.length;
  }
  const first = Buffer.concat(head, size);
  const isGzip = size >= 3 && first[0] === 0x1f && first[1] === 0x8b && first[2] === 0x08;
  async function* all(): AsyncGenerator<Buffer> {
    if (size > 0) yield first;
    yield* output;
  }
  if (!isGzip) {
    yield* all();
    return;
  }
  // Not read as text: binary bytes would give one error per "line" and no record.
  if (layer >= MAX_GZIP_LAYERS) throw new InputError(`gzip inside gzip more than ${MAX_GZIP_LAYERS} layers deep: not read`);
  try {
    // Nothing of an inner layer can be read again: decoded as stdin is (in memory up to gunzip's keep limit).
    yield* innerLayers(gunzip(all(), options.notice !== undefined ? { notice: options.notice } : {}), options, layer + 1);
  } catch (err) {
    if (err instanceof GzipDataError) throw new InputError(`${err.message} (in gzip layer ${layer + 1}: gzip inside the gzip data)`, err.cutShort);
    throw err;
  }
}

/**
 * An s3:// input opened with GetObject (src/s3/read.ts, loaded only for
 * S3 inputs); its failures as InputError, like a file's: the object alone
 * is unreadable, the run goes on. Errors mid-stream name the object.
 */
async function openS3Input(url: string, etag: string | undefined): Promise<{ body: AsyncIterable<Buffer>; size?: number; reread: (start: number, end?: number) => AsyncGenerator<Buffer> }> {
  const location = parseS3Url(url);
  if (typeof location === 'string') throw new InputError(location);
  const { openS3Object } = await import('../s3/read.js');
  let opened;
  try {
    opened = await openS3Object(location, etag);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const named = (err: unknown) => new InputError(`reading s3://${location.bucket}/${location.key} failed: ${(err as Error).message ?? String(err)}`);
  return {
    ...(opened.size !== undefined ? { size: opened.size } : {}),
    body: (async function* () {
      try {
        for await (const chunk of opened.body) yield chunk;
      } catch (err) {
        throw named(err);
      }
    })(),
    reread: async function* (start: number, end?: number) {
      try {
        yield* opened.reread(start, end);
      } catch (err) {
        throw named(err);
      }
    },
  };
}

/** Bytes [start, end) of an input of `size` bytes, by `reread` (which pins the version first read). */
function rangedInput(size: number, reread: (start: number, end?: number) => AsyncGenerator<Buffer>): RangedInput {
  return {
    size,
    read: (start, end) => reread(start, end),
  };
}

async function isRegularFile(path: string | Buffer): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Bytes [start, end) of a file (to its end without `end`), read again. */
async function* rereadFile(path: string | Buffer, start: number, end?: number): AsyncGenerator<Buffer> {
  if (end !== undefined && end <= start) return;
  const options = end === undefined ? { start } : { start, end: end - 1 };
  for await (const chunk of createReadStream(path, { ...options, highWaterMark: READ_CHUNK })) yield chunk as Buffer;
}
