// Inflating a member's deflate data with native zlib so that nothing it
// inflated is lost: small members in one synchronous call, others streamed
// with back-pressure; after a deflate error the member is inflated again up
// to the byte zlib rejects, since zlib drops the output of its failing call.
import { constants, crc32, createInflateRaw, inflateRawSync, type Gunzip, type InflateRaw } from 'node:zlib';
import type { CompressedReader, GzipFault, MemberOutput, Reread } from './gzip_format.js';

/**
 * Output buffer of the streaming inflater: 1 MiB was measured faster than
 * 64 KiB; 256 KiB keeps a chunk's text under the ~1 MB above which Node
 * makes it an external string (freed late: see READ_CHUNK in input.ts).
 */
export const OUT_CHUNK = 1 << 18;
/** A member that ends within this many compressed bytes is inflated in one synchronous call. */
export const SYNC_INPUT_LIMIT = 256 * 1024;
/** Output cap of that call; a member that inflates to more is streamed instead (bounded memory). */
const SYNC_OUTPUT_LIMIT = 8 << 20;
/** The first window of inflateSmall holds at least this many bytes. */
const SYNC_WINDOW_MIN = 16 * 1024;
/** Bounds of the synchronous call's output buffer, sized after the last member (see inflateSmall). */
const SYNC_OUT_MIN = 16 * 1024;
const SYNC_OUT_MAX = 1 << 20;
/** Recovery after a deflate error inflates the failing stretch this many bytes at a time, then one. */
const RECOVERY_STEP = 1024;

/** What the whole decoder has handed on. */
export interface Emitted {
  /** The last byte handed on, -1 before the first. */
  lastByte: number;
}

/** How a member's deflate data ended. */
export type InflateEnd =
  | { kind: 'complete' }
  /** The input ended (or a read failed) before the deflate data did. */
  | { kind: 'cut' }
  /** zlib rejected the data. */
  | { kind: 'fault'; fault: GzipFault };

/** Accounts for output about to be handed on. */
export function handOn(out: Buffer, member: MemberOutput, emitted: Emitted): Buffer {
  member.crc = crc32(out, member.crc);
  member.size += out.length;
  emitted.lastByte = out[out.length - 1]!;
  return out;
}

/**
 * The result of `inflateRawSync` with `info: true`: the output and the
 * engine, whose `bytesWritten` counts the input bytes zlib consumed
 * (https://nodejs.org/docs/latest-v20.x/api/zlib.html#class-options and
 * #zlibbyteswritten). @types/node types it as a Buffer.
 */
interface SyncInflateResult {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/** What the member before was like: inflateSmall sizes its window and output buffer after it (members of a file are alike). */
export interface MemberSizes {
  compressed: number;
  output: number;
}

/**
 * Inflates a small member in one call: returns its output when its deflate
 * data ends within the first SYNC_INPUT_LIMIT unread bytes and inflates to
 * at most SYNC_OUTPUT_LIMIT, else undefined (then it is streamed). Thousands
 * of small members (as AWS concatenates) cost a zlib stream each otherwise.
 * It first tries the bytes already read (at least twice the last member's
 * size), and reads up to SYNC_INPUT_LIMIT only when the member goes on past
 * them: joining reads copies them, which for stdin's 64 KiB reads would
 * happen at nearly every member.
 */
export async function inflateSmall(reader: CompressedReader, last: MemberSizes): Promise<Buffer | undefined> {
  const first = Math.min(SYNC_INPUT_LIMIT, Math.max(SYNC_WINDOW_MIN, 2 * last.compressed));
  let window = (await reader.fill(first)).subarray(0, SYNC_INPUT_LIMIT);
  let result = inflateWhole(window, last.output);
  if (result === 'goes on' && window.length < SYNC_INPUT_LIMIT && !reader.ended) {
    window = (await reader.fill(SYNC_INPUT_LIMIT)).subarray(0, SYNC_INPUT_LIMIT);
    result = inflateWhole(window, last.output);
  }
  if (typeof result === 'string') return undefined;
  reader.consume(result.engine.bytesWritten);
  return result.buffer;
}

/**
 * One synchronous inflation of `window`: its result when the deflate data
 * ends within it; 'goes on' when it does not; 'failed' when zlib rejects it
 * or it inflates to more than SYNC_OUTPUT_LIMIT (the streaming path then
 * handles, and recovers, it).
 */
function inflateWhole(window: Buffer, expectedOutput: number): SyncInflateResult | 'goes on' | 'failed' {
  if (window.length === 0) return 'goes on';
  let result: SyncInflateResult;
  try {
    // Z_SYNC_FLUSH: input that ends early is not an error here; bytesWritten tells.
    result = inflateRawSync(window, {
      info: true, finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: SYNC_OUTPUT_LIMIT, chunkSize: outputBufferSize(expectedOutput),
    }) as unknown as SyncInflateResult;
  } catch {
    return 'failed';
  }
  // Input left over means the deflate data ended; none left means it may go on.
  return result.engine.bytesWritten < window.length ? result : 'goes on';
}

/** A power of two above `expected` (zlib wants room to see the end), within SYNC_OUT_MIN and SYNC_OUT_MAX. */
function outputBufferSize(expected: number): number {
  let size = SYNC_OUT_MIN;
  while (size <= expected && size < SYNC_OUT_MAX) size *= 2;
  return size;
}

/**
 * Writes one piece and resolves once zlib has consumed it (undefined) or
 * rejected it (the error). A zlib error destroys the stream without calling
 * the write's callback, hence the 'error' and 'close' listeners.
 */
function writeTo(inflater: InflateRaw | Gunzip, piece: Buffer): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let failure: Error | undefined;
    const onError = (err: Error) => { failure ??= err; };
    const settle = (err?: Error | null) => {
      inflater.off('error', onError);
      inflater.off('close', settle);
      resolve(err ?? failure ?? (inflater.destroyed ? new Error('the inflater was closed') : undefined));
    };
    inflater.on('error', onError);
    inflater.once('close', settle);
    if (inflater.destroyed) settle();
    else inflater.write(piece, settle);
  });
}

export function isZlibError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** How a stream of compressed pieces through a zlib engine ended. */
interface StreamEnd {
  /** 'stopped': zlib took no more input (the end of the deflate data); 'input-ended': there was no more input. */
  fed: 'stopped' | 'input-ended' | 'failed';
  /** The zlib (or other) error the engine raised, if any. */
  failure?: unknown;
  /** The compressed bytes of the last write. */
  piece: { start: number; end: number };
}

/**
 * Streams the reader's bytes through a zlib engine with back-pressure: the
 * next compressed piece is written only when the last one is consumed, and
 * zlib waits while its output is unread. Stops writing as soon as zlib
 * leaves input unconsumed (its data ended there: zlib takes no byte past
 * the end of a deflate stream, and `bytesWritten` counts what it took,
 * measured exact at any piece size); the reader is then at the first byte
 * zlib did not take. `account` sees each output chunk before it is handed
 * on.
 */
export async function* streamThrough(
  engine: InflateRaw | Gunzip, reader: CompressedReader, account: (out: Buffer) => Buffer,
): AsyncGenerator<Buffer, StreamEnd> {
  let piece = { start: reader.offset, end: reader.offset };
  let onDrained: (() => void) | undefined;
  // Ending the engine while output is still unread would drop that output
  // when zlib then reports a cut: wait until everything has been read.
  const drained = () => new Promise<void>((resolve) => {
    if (engine.readableLength === 0) resolve();
    else onDrained = resolve;
  });
  const feed = async (): Promise<StreamEnd['fed']> => {
    for (;;) {
      if (reader.unread.length === 0 && !(await reader.more())) {
        await drained();
        engine.end();
        return 'input-ended';
      }
      const bytes = reader.unread;
      piece = { start: reader.offset, end: reader.offset + bytes.length };
      const consumedBefore = engine.bytesWritten;
      if ((await writeTo(engine, bytes)) !== undefined) return 'failed';
      const consumed = engine.bytesWritten - consumedBefore;
      reader.consume(consumed);
      if (consumed < bytes.length) return 'stopped';
    }
  };
  const feeding = feed();
  let failure: unknown;
  try {
    for await (const out of engine as AsyncIterable<Buffer>) {
      yield account(out);
      if (onDrained !== undefined && engine.readableLength === 0) {
        const wake = onDrained;
        onDrained = undefined;
        wake();
      }
    }
  } catch (err) {
    failure = err;
  }
  const fed = await feeding;
  return failure === undefined ? { fed, piece } : { fed, failure, piece };
}

/**
 * Inflates a member's deflate data as a stream (members too large for
 * inflateSmall). Returns how the deflate data ended; on a deflate error
 * the output zlib dropped is recovered first (recoverBeforeFault).
 */
export async function* inflateStreaming(
  reader: CompressedReader, member: MemberOutput, emitted: Emitted, reread: Reread | undefined,
): AsyncGenerator<Buffer, InflateEnd> {
  const deflateStart = reader.offset;
  const inflater = createInflateRaw({ chunkSize: OUT_CHUNK });
  const end = yield* streamThrough(inflater, reader, (out) => handOn(out, member, emitted));
  // No failure: the deflate data ended (when the input ended too, exactly at its last byte).
  if (end.failure === undefined) return { kind: 'complete' };
  if (!isZlibError(end.failure)) throw end.failure;
  // zlib's "unexpected end of file" (or a read error): everything inflated has been handed on.
  if (end.fed === 'input-ended') return { kind: 'cut' };
  const fault: GzipFault = { reason: end.failure.message, offset: end.piece.end, exact: false };
  const recovered = yield* recoverBeforeFault(reader, reread, deflateStart, end.piece, member, emitted);
  if (recovered !== undefined) fault.offset = recovered;
  else fault.reason += '; output decompressed just before it may be missing (stdin cannot be read again)';
  return { kind: 'fault', fault };
}

/** The compressed bytes [start, end) again: kept in memory (stdin) or read again (a file). */
function replayBytes(reader: CompressedReader, reread: Reread | undefined, start: number, end: number): Iterable<Buffer> | AsyncIterable<Buffer> | undefined {
  return reader.keptBytes(start, end) ?? reread?.(start, end);
}

/**
 * Recovers the output zlib dropped when it rejected the compressed piece
 * `failed` of a member whose deflate data starts at `deflateStart`: the
 * member is inflated again, the failing piece RECOVERY_STEP bytes at a time,
 * then the failing step one byte at a time, so the write that fails holds a
 * single byte. Output past what was already handed on (`member.size`) is
 * handed on. Returns the offset of the byte zlib rejected, or undefined
 * when the bytes cannot be read again.
 */
async function* recoverBeforeFault(
  reader: CompressedReader, reread: Reread | undefined, deflateStart: number, failed: { start: number; end: number },
  member: MemberOutput, emitted: Emitted,
): AsyncGenerator<Buffer, number | undefined> {
  let range = failed;
  for (const step of [RECOVERY_STEP, 1]) {
    if (step > 1 && range.end - range.start <= step) continue;
    const bytes = replayBytes(reader, reread, deflateStart, range.end);
    if (bytes === undefined) return undefined;
    const replayed = yield* replayUntilFault(bytes, deflateStart, range.start, step, member, emitted);
    if (replayed === 'unreadable') return undefined;
    // The fault did not come back (the file changed under us): the first finding stands.
    if (replayed === 'clean') return range.end;
    range = replayed;
  }
  return range.start;
}

/**
 * Inflates `bytes` (compressed bytes from `start`) with a fresh raw
 * inflater: whole chunks up to `stepFrom`, then `step` bytes per write.
 * Hands on the output beyond `member.size` bytes. Returns the range of the
 * write zlib rejected, 'clean' when none was, 'unreadable' when the bytes
 * could not be read.
 */
async function* replayUntilFault(
  bytes: Iterable<Buffer> | AsyncIterable<Buffer>, start: number, stepFrom: number, step: number,
  member: MemberOutput, emitted: Emitted,
): AsyncGenerator<Buffer, { start: number; end: number } | 'clean' | 'unreadable'> {
  const inflater = createInflateRaw({ chunkSize: OUT_CHUNK });
  const skip = member.size;
  let produced = 0;
  const pending: Buffer[] = [];
  inflater.on('data', (out: Buffer) => {
    const before = produced;
    produced += out.length;
    if (produced > skip) pending.push(before >= skip ? out : out.subarray(skip - before));
  });
  inflater.on('error', () => { /* the failing write's callback reports it */ });
  let at = start;
  try {
    for await (const chunk of bytes) {
      for (let pos = 0; pos < chunk.length;) {
        const here = at + pos;
        const n = here < stepFrom ? Math.min(chunk.length - pos, stepFrom - here) : Math.min(step, chunk.length - pos);
        const err = await writeTo(inflater, chunk.subarray(pos, pos + n));
        // Output zlib pushed while the consumer was not looking: let it flow into `pending`.
        while (!inflater.destroyed && inflater.readableLength > 0) await new Promise((resolve) => setImmediate(resolve));
        for (const out of pending.splice(0)) yield handOn(out, member, emitted);
        if (err !== undefined) return { start: here, end: here + n };
        pos += n;
      }
      at += chunk.length;
    }
  } catch {
    return 'unreadable';
  } finally {
    inflater.destroy();
  }
  return 'clean';
}
