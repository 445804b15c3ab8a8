// Gzip decoding that loses nothing before damage. Node's gunzip processes a
// whole input chunk per call and drops that call's output when it meets an
// error (a bad CRC, trailing garbage, a flipped byte), so up to a chunk of
// records before the damage vanished. Here a damaged or irregular input is
// decoded member by member (RFC 1952, decodeMembers): each header is parsed,
// the deflate data inflated by native zlib (`inflateRaw`, whose
// `bytesWritten` says where the deflate data ended), and the trailer checked
// (CRC-32, ISIZE). Everything inflated is handed on before a fault is
// raised; after a deflate error the member is inflated again up to the byte
// where zlib stops, to recover the output the failing call dropped. What
// follows the last member is trailing garbage (a notice) or plain text (read
// as text): see readTail. Clean files keep Node's gunzip (see gunzip()).
// https://www.rfc-editor.org/rfc/rfc1952 (gzip file format)
import { isUtf8 } from 'node:buffer';
import { constants, crc32, createGunzip, createInflateRaw, inflateRawSync, type Gunzip, type InflateRaw } from 'node:zlib';

/** Output buffer of the streaming inflater: 1 MiB was measured faster than 64 KiB. */
const OUT_CHUNK = 1 << 20;
/** A member that ends within this many compressed bytes is inflated in one synchronous call. */
const SYNC_INPUT_LIMIT = 256 * 1024;
/** Output cap of that call; a member that inflates to more is streamed instead (bounded memory). */
const SYNC_OUTPUT_LIMIT = 8 << 20;
/** Output buffer of the synchronous call: small members should not allocate 1 MiB each. */
const SYNC_OUT_CHUNK = 64 * 1024;
/** Output of small members is handed on in chunks of about this size. */
const BATCH_BYTES = 1 << 20;
/** On stdin (which cannot be read again), compressed bytes of the current member kept for a replay. */
const KEEP_LIMIT = 8 << 20;
/** How much of what follows the last member is looked at for a line end, to tell text from garbage. */
export const TAIL_PROBE_BYTES = 64 * 1024;
/** How much of it must be text (looksLikeText). */
export const TEXT_WINDOW_BYTES = 1024;
/** Recovery after a deflate error inflates the failing stretch this many bytes at a time, then one. */
const RECOVERY_STEP = 1024;

const EMPTY = Buffer.alloc(0);
const ZEROS = Buffer.alloc(64 * 1024);

// RFC 1952 section 2.3.1: header flag bits.
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;
const HEADER_BYTES = 10;
const TRAILER_BYTES = 8;
const CM_DEFLATE = 8;

/** One fault in gzip data: what, and the compressed byte offset (from 0) where it was found. */
export interface GzipFault {
  reason: string;
  offset: number;
  /** true: the fault is at `offset`; false: zlib noticed it there, the damage is at or before. */
  exact: boolean;
}

function where(f: GzipFault): string {
  return `at ${f.exact ? '' : 'or before '}compressed byte ${f.offset}`;
}

/**
 * Gzip data that could not be read whole. Raised after every byte that could
 * be decompressed has been handed on. `cutShort`: the data ends at the
 * fault, so a last line without its line end is half a record.
 */
export class GzipDataError extends Error {
  constructor(readonly faults: readonly GzipFault[], readonly cutShort: boolean) {
    const first = faults[0]!;
    const last = faults[faults.length - 1]!;
    const more = faults.length === 1 ? ''
      : `; ${faults.length - 1} more fault${faults.length > 2 ? 's' : ''} after it, the last: ${last.reason} ${where(last)}`;
    super(`corrupt gzip data (${first.reason}) ${where(first)}${more}`);
    this.name = 'GzipDataError';
  }
}

export interface GunzipOptions {
  /** Tells the user something that is not an error (trailing garbage, a plain-text tail). */
  notice?: (message: string) => void;
  /**
   * Reads the compressed bytes [start, end) of the input again (a regular
   * file; to its end when `end` is left out). Without it (stdin) the
   * current member's bytes are kept in memory for the recovery after a
   * deflate error, up to KEEP_LIMIT.
   */
  reread?: (start: number, end?: number) => AsyncIterable<Buffer>;
}

/** The compressed input as a queue of unread bytes that knows their offsets. */
class CompressedReader {
  /** Unread bytes; the first is at `offset`. */
  private buf: Buffer = EMPTY;
  offset = 0;
  ended = false;
  /** Why reading stopped early (an I/O error), if it did. */
  readError: unknown;
  /** Chunks kept since `kept.start` (the current member's deflate data), for a replay. */
  private kept: { start: number; chunks: Buffer[]; bytes: number } | undefined;

  constructor(private readonly source: AsyncIterator<Buffer>, private readonly keepLimit: number) {}

  get unread(): Buffer {
    return this.buf;
  }

  /** Reads one more chunk onto the unread bytes; false at the end of the input. */
  async more(): Promise<boolean> {
    while (!this.ended) {
      let next: IteratorResult<Buffer>;
      try {
        next = await this.source.next();
      } catch (err) {
        // Handled as the end of the input here; the decoder raises it once all before it is handed on.
        this.readError = err;
        next = { done: true, value: undefined };
      }
      if (next.done === true) {
        this.ended = true;
        break;
      }
      const chunk = next.value;
      if (chunk.length === 0) continue;
      this.keep(chunk);
      // Joining copies the unread bytes (at most SYNC_INPUT_LIMIT, see inflateSmall): once per chunk at most.
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      return true;
    }
    return false;
  }

  /** At least n unread bytes, fewer only when the input ends first. */
  async fill(n: number): Promise<Buffer> {
    while (this.buf.length < n && await this.more()) { /* reading */ }
    return this.buf;
  }

  consume(n: number): void {
    this.buf = this.buf.subarray(n);
    this.offset += n;
  }

  /** Starts keeping the bytes from here on (stdin only: a file is read again instead). */
  keepFromHere(): void {
    this.kept = this.keepLimit > 0 ? { start: this.offset, chunks: this.buf.length > 0 ? [this.buf] : [], bytes: this.buf.length } : undefined;
  }

  private keep(chunk: Buffer): void {
    const k = this.kept;
    if (k === undefined) return;
    k.chunks.push(chunk);
    k.bytes += chunk.length;
    if (k.bytes > this.keepLimit) this.kept = undefined;
  }

  /** Bytes [start, end) if they were kept. */
  keptBytes(start: number, end: number): Buffer[] | undefined {
    const k = this.kept;
    if (k === undefined || start < k.start || end > k.start + k.bytes) return undefined;
    const out: Buffer[] = [];
    let at = k.start;
    for (const c of k.chunks) {
      const from = Math.max(start, at);
      const to = Math.min(end, at + c.length);
      if (from < to) out.push(c.subarray(from - at, to - at));
      at += c.length;
    }
    return out;
  }

  /** Skips n bytes (feeding them to `hash`); false when the input ends first. */
  async skip(n: number, hash: Crc): Promise<boolean> {
    while (n > 0) {
      if (this.buf.length === 0 && !(await this.more())) return false;
      const piece = this.buf.subarray(0, n);
      hash.update(piece);
      this.consume(piece.length);
      n -= piece.length;
    }
    return true;
  }

  /** Skips up to and including the next zero byte (a header string); false when the input ends first. */
  async skipString(hash: Crc): Promise<boolean> {
    for (;;) {
      if (this.buf.length === 0 && !(await this.more())) return false;
      const zero = this.buf.indexOf(0);
      const piece = zero < 0 ? this.buf : this.buf.subarray(0, zero + 1);
      hash.update(piece);
      this.consume(piece.length);
      if (zero >= 0) return true;
    }
  }
}

/** A running CRC-32 (zlib's, as RFC 1952 uses), or nothing when the header has no FHCRC. */
class Crc {
  value = 0;
  constructor(private readonly on: boolean) {}
  update(b: Buffer): void {
    if (this.on) this.value = crc32(b, this.value);
  }
}

type HeaderResult =
  | { kind: 'ok' }
  /** The input ended inside the header. */
  | { kind: 'cut' }
  | { kind: 'bad'; fault: GzipFault };

/**
 * Reads one member header (RFC 1952 section 2.3): ID1 ID2 CM FLG MTIME(4)
 * XFL OS, then FEXTRA (2-byte length and data), FNAME and FCOMMENT (zero
 * terminated), FHCRC (the low 16 bits of the CRC-32 of the header). Strings
 * of any length are skipped without being buffered.
 */
async function readMemberHeader(reader: CompressedReader): Promise<HeaderResult> {
  const start = reader.offset;
  const fixed = await reader.fill(HEADER_BYTES);
  if (fixed.length < HEADER_BYTES) return { kind: 'cut' };
  if (fixed[0] !== 0x1f || fixed[1] !== 0x8b) {
    return { kind: 'bad', fault: { reason: 'not a gzip member header', offset: start, exact: true } };
  }
  if (fixed[2] !== CM_DEFLATE) {
    return { kind: 'bad', fault: { reason: `compression method ${fixed[2]!}, expected 8 (deflate)`, offset: start + 2, exact: true } };
  }
  const flags = fixed[3]!;
  if ((flags & FRESERVED) !== 0) {
    return { kind: 'bad', fault: { reason: `reserved header flags set (0x${flags.toString(16).padStart(2, '0')})`, offset: start + 3, exact: true } };
  }
  const hash = new Crc((flags & FHCRC) !== 0);
  hash.update(fixed.subarray(0, HEADER_BYTES));
  reader.consume(HEADER_BYTES);
  if ((flags & FEXTRA) !== 0) {
    const len = await reader.fill(2);
    if (len.length < 2) return { kind: 'cut' };
    const xlen = len.readUInt16LE(0);
    if (!(await reader.skip(2, hash)) || !(await reader.skip(xlen, hash))) return { kind: 'cut' };
  }
  if ((flags & FNAME) !== 0 && !(await reader.skipString(hash))) return { kind: 'cut' };
  if ((flags & FCOMMENT) !== 0 && !(await reader.skipString(hash))) return { kind: 'cut' };
  if ((flags & FHCRC) !== 0) {
    const at = reader.offset;
    const stored = await reader.fill(2);
    if (stored.length < 2) return { kind: 'cut' };
    const expected = stored.readUInt16LE(0);
    const actual = hash.value & 0xffff;
    if (expected !== actual) {
      return { kind: 'bad', fault: { reason: `header CRC-16 mismatch: the header says 0x${hex(expected, 4)}, its bytes give 0x${hex(actual, 4)}`, offset: at, exact: true } };
    }
    reader.consume(2);
  }
  return { kind: 'ok' };
}

function hex(n: number, digits: number): string {
  return (n >>> 0).toString(16).padStart(digits, '0');
}

/** The output of the member being inflated: its CRC-32 and length so far, for the trailer. */
interface MemberOutput {
  crc: number;
  size: number;
}

/** What the whole decoder has handed on. */
interface Emitted {
  /** The last byte handed on, -1 before the first. */
  lastByte: number;
}

/** How a member's deflate data ended. */
type InflateEnd =
  | { kind: 'complete' }
  /** The input ended (or a read failed) before the deflate data did. */
  | { kind: 'cut' }
  /** zlib rejected the data. */
  | { kind: 'fault'; fault: GzipFault };

/** Accounts for output about to be handed on. */
function handOn(out: Buffer, member: MemberOutput, emitted: Emitted): Buffer {
  member.crc = crc32(out, member.crc);
  member.size += out.length;
  emitted.lastByte = out[out.length - 1]!;
  return out;
}

/** The result of `inflateRawSync` with `info: true` (documented; @types/node types it as a Buffer). */
interface SyncInflateResult {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/**
 * Inflates a small member in one call: returns its output when its deflate
 * data ends within the first SYNC_INPUT_LIMIT unread bytes and inflates to
 * at most SYNC_OUTPUT_LIMIT, else undefined (then it is streamed). Thousands
 * of small members (as AWS concatenates) cost a zlib stream each otherwise.
 */
async function inflateSmall(reader: CompressedReader): Promise<Buffer | undefined> {
  const window = (await reader.fill(SYNC_INPUT_LIMIT)).subarray(0, SYNC_INPUT_LIMIT);
  if (window.length === 0) return undefined;
  let result: SyncInflateResult;
  try {
    // Z_SYNC_FLUSH: input that ends early is not an error here; bytesWritten tells.
    result = inflateRawSync(window, {
      info: true, finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: SYNC_OUTPUT_LIMIT, chunkSize: SYNC_OUT_CHUNK,
    }) as unknown as SyncInflateResult;
  } catch {
    return undefined; // corrupt, or too large: the streaming path handles (and recovers) it
  }
  // Input left over means the deflate data ended; none left means it may go on.
  if (result.engine.bytesWritten >= window.length) return undefined;
  reader.consume(result.engine.bytesWritten);
  return result.buffer;
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

function isZlibError(err: unknown): err is NodeJS.ErrnoException {
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
 * leaves input unconsumed (its data ended there); the reader is then at
 * the first byte zlib did not take. `account` sees each output chunk
 * before it is handed on.
 */
async function* streamThrough(
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
async function* inflateStreaming(
  reader: CompressedReader, member: MemberOutput, emitted: Emitted, options: GunzipOptions,
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
  const recovered = yield* recoverBeforeFault(reader, options, deflateStart, end.piece, member, emitted);
  if (recovered !== undefined) fault.offset = recovered;
  else fault.reason += '; output decompressed just before it may be missing (stdin cannot be read again)';
  return { kind: 'fault', fault };
}

/** The compressed bytes [start, end) again: kept in memory (stdin) or read again (a file). */
function replayBytes(reader: CompressedReader, options: GunzipOptions, start: number, end: number): Iterable<Buffer> | AsyncIterable<Buffer> | undefined {
  return reader.keptBytes(start, end) ?? options.reread?.(start, end);
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
  reader: CompressedReader, options: GunzipOptions, deflateStart: number, failed: { start: number; end: number },
  member: MemberOutput, emitted: Emitted,
): AsyncGenerator<Buffer, number | undefined> {
  let range = failed;
  for (const step of [RECOVERY_STEP, 1]) {
    if (step > 1 && range.end - range.start <= step) continue;
    const bytes = replayBytes(reader, options, deflateStart, range.end);
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

/** True when b holds a byte that plain text does not: a C0 control other than tab, LF and CR, or DEL. */
function hasControlBytes(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

function isAllZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i += ZEROS.length) {
    const piece = b.subarray(i, i + ZEROS.length);
    if (!piece.equals(ZEROS.subarray(0, piece.length))) return false;
  }
  return true;
}

function isLineEnd(c: number | undefined): boolean {
  return c === 0x0a || c === 0x0d;
}

function hasLineEnd(b: Buffer): boolean {
  return b.indexOf(0x0a) >= 0 || b.indexOf(0x0d) >= 0;
}

/**
 * Whether a tail that starts with `probe` (its first TAIL_PROBE_BYTES, or
 * all of it when `whole`) is text: its first TEXT_WINDOW_BYTES are UTF-8 (a
 * character cut at their end aside) without control bytes other than tab,
 * LF and CR, and a line end comes within the probe or the text runs past
 * it. Random bytes fail the first test almost surely; log text passes it.
 */
function looksLikeText(probe: Buffer, whole: boolean): boolean {
  const window = probe.subarray(0, TEXT_WINDOW_BYTES);
  if (window.length === 0 || hasControlBytes(window)) return false;
  const cutShort = window.length < probe.length;
  if (!isUtf8(window) && !(cutShort && endsInCutCharacter(window))) return false;
  return !whole || hasLineEnd(probe);
}

/** True when b is UTF-8 once the last 1 to 3 bytes (a character cut short) are left out. */
function endsInCutCharacter(b: Buffer): boolean {
  for (let cut = 1; cut <= 3 && cut < b.length; cut++) if (isUtf8(b.subarray(0, b.length - cut))) return true;
  return false;
}

/** Bytes that are not gzip data: before the start of a member, or to the end (`atEnd`) when they start like one. */
interface SkippedBytes {
  start: number;
  length: number;
  /** Zero bytes only (padding). */
  zeros: boolean;
  atEnd?: boolean;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** The 10-byte header, the 2 bytes of an empty deflate stream, the 8-byte trailer. */
const SMALLEST_MEMBER = HEADER_BYTES + 2 + TRAILER_BYTES;
/** ID1, ID2 and CM (deflate) of a member header. */
const MEMBER_START = Buffer.from([0x1f, 0x8b, CM_DEFLATE]);
const LINE_END = Buffer.from('\n');

/**
 * What follows the last complete member, from its first byte (`tail`):
 * - zero bytes only: padding, ignored silently (as gzip does);
 * - text (looksLikeText): handed on as it is, as if the file went
 *   on uncompressed (a UTF-8 byte order mark at their start left out), after
 *   a line end when the gzip data did not end with one (the two must not
 *   merge into one line); a notice says so. Text read this way that is not
 *   a record becomes error reports, never silent loss;
 * - anything else (binary bytes, a few bytes without a line end):
 *   trailing garbage, ignored with a notice. But it is a damaged member
 *   when a member starts in it (its ID1 ID2 CM bytes: the bytes up to there
 *   are returned as skipped, and decoding goes on at that member), or when
 *   it starts with two of those three bytes and is as long as a member at
 *   least (returned as skipped `atEnd`).
 * The tail is streamed: only its first TAIL_PROBE_BYTES are looked at whole.
 */
async function* readTail(reader: CompressedReader, emitted: Emitted, notice: (m: string) => void): AsyncGenerator<Buffer, SkippedBytes | undefined> {
  const start = reader.offset;
  const unread = await reader.fill(TAIL_PROBE_BYTES);
  if (looksLikeText(unread.subarray(0, TAIL_PROBE_BYTES), unread.length < TAIL_PROBE_BYTES)) {
    notice(`the gzip data ends at compressed byte ${start}; the plain text after it is read as text`);
    if (emitted.lastByte >= 0 && !isLineEnd(emitted.lastByte)) yield LINE_END;
    const bom = unread.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
    reader.consume(bom);
    do {
      const text = reader.unread;
      reader.consume(text.length);
      if (text.length > 0) yield text;
    } while (await reader.more());
    return undefined;
  }
  // Garbage that holds the start of a gzip member is a member whose header
  // was damaged, not trailing garbage: decoding goes on at that member.
  const damagedHeader = startsLikeMember(unread);
  let zeros = true;
  let length = 0;
  const skip = (n: number) => {
    if (zeros) zeros = isAllZero(reader.unread.subarray(0, n));
    length += n;
    reader.consume(n);
  };
  for (;;) {
    const at = reader.unread.indexOf(MEMBER_START);
    if (at >= 0) {
      skip(at);
      return { start, length, zeros };
    }
    // A member start may span two reads: keep its first bytes.
    skip(Math.max(0, reader.unread.length - (MEMBER_START.length - 1)));
    if (!(await reader.more())) break;
  }
  skip(reader.unread.length);
  if (damagedHeader && length >= SMALLEST_MEMBER) return { start, length, zeros: false, atEnd: true };
  if (!zeros) notice(garbageNotice(length, start));
  return undefined;
}

/** Two of the three bytes ID1 ID2 CM at the start of b: a member header with a damaged byte, most likely. */
function startsLikeMember(b: Buffer): boolean {
  let same = 0;
  for (let i = 0; i < MEMBER_START.length; i++) if (b[i] === MEMBER_START[i]) same++;
  return same >= 2;
}

function garbageNotice(length: number, start: number): string {
  return `trailing garbage ignored: ${length} byte${length === 1 ? '' : 's'} after the end of the gzip data at compressed byte ${start}`;
}

/**
 * Decompresses gzip data (one or more members, as AWS concatenates them)
 * from `chunks`, the whole input from its first byte. Yields every byte
 * inflated, in order, with back-pressure; raises GzipDataError after the
 * last of them when the data is damaged, and a read error as it came.
 *
 * With `reread` (a regular file), gzip data goes through Node's gunzip
 * first: its native loop over members is the fastest way through thousands
 * of small ones, and clean files are the rule. At the first irregularity
 * (damage, or bytes after the gzip data) the file is decoded again from its
 * start by decodeMembers, whose output past the bytes already handed on is
 * handed on: gunzip dropped the output of its failing call and cannot say
 * where its members ended. Without `reread` (stdin), decodeMembers reads
 * the input once.
 */
export async function* gunzip(chunks: AsyncIterator<Buffer>, options: GunzipOptions = {}): AsyncGenerator<Buffer> {
  const reread = options.reread;
  if (reread === undefined) {
    yield* decodeMembers(chunks, options);
    return;
  }
  const reader = new CompressedReader(chunks, 0);
  let handedOn = 0;
  const end = yield* streamThrough(createGunzip({ chunkSize: OUT_CHUNK }), reader, (out) => {
    handedOn += out.length;
    return out;
  });
  if (reader.readError !== undefined) throw reader.readError;
  if (end.failure === undefined && end.fed === 'input-ended') return;
  if (end.failure !== undefined && !isZlibError(end.failure)) throw end.failure;
  yield* dropFirst(decodeMembers(reread(0)[Symbol.asyncIterator](), options), handedOn);
}

/** The chunks of `source` without their first `n` bytes. */
async function* dropFirst(source: AsyncIterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (n >= chunk.length) {
      n -= chunk.length;
      continue;
    }
    yield n > 0 ? chunk.subarray(n) : chunk;
    n = 0;
  }
}

/**
 * Decodes gzip members one by one (RFC 1952): header, deflate data,
 * trailer, then the next member or the tail (readTail). Damage inside a
 * member stops decoding (where the next member starts is unknown); a CRC-32
 * or length mismatch in a trailer does not: the following members are still
 * read, and the mismatch raised at the end.
 */
async function* decodeMembers(chunks: AsyncIterator<Buffer>, options: GunzipOptions): AsyncGenerator<Buffer> {
  const decoder = new MemberDecoder(new CompressedReader(chunks, options.reread === undefined ? KEEP_LIMIT : 0), options);
  for (let first = true; ; first = false) {
    if (!first && !(yield* decoder.toNextMember())) break;
    if (!(yield* decoder.member(first))) break;
  }
  yield* decoder.finish();
}

/** The state of decodeMembers, and its steps. */
class MemberDecoder {
  private readonly faults: GzipFault[] = [];
  /** A fault stopped decoding: the data ends at a cut. */
  private stopped = false;
  private readonly emitted: Emitted = { lastByte: -1 };
  private readonly batch = new OutputBatch();
  private readonly notice: (message: string) => void;
  /** Whether the last member was small enough for inflateSmall. */
  private small = true;

  constructor(private readonly reader: CompressedReader, private readonly options: GunzipOptions) {
    this.notice = options.notice ?? (() => {});
  }

  private stop(fault: GzipFault): false {
    this.faults.push(fault);
    this.stopped = true;
    return false;
  }

  private unexpectedEnd(): GzipFault {
    return { reason: 'unexpected end of file', offset: this.reader.offset + this.reader.unread.length, exact: false };
  }

  /** After a member: true when another member starts here (after bytes skipped, if any), false at the end. */
  async *toNextMember(): AsyncGenerator<Buffer, boolean> {
    const next = await this.reader.fill(2);
    if (next.length === 0) return false;
    if (next[0] === 0x1f && (next.length === 1 || next[1] === 0x8b)) return true;
    yield* this.flush();
    const skipped = yield* readTail(this.reader, this.emitted, this.notice);
    if (skipped === undefined) return false;
    if (skipped.atEnd === true) {
      return this.stop({ reason: `${skipped.length} bytes that are not gzip data but start like a gzip member header`, offset: skipped.start, exact: true });
    }
    if (!skipped.zeros) {
      this.faults.push({ reason: `${skipped.length} bytes that are not gzip data, up to a gzip member at compressed byte ${this.reader.offset}`, offset: skipped.start, exact: true });
    }
    return true;
  }

  /** Decodes one member; false when decoding cannot go on after it. */
  async *member(first: boolean): AsyncGenerator<Buffer, boolean> {
    const reader = this.reader;
    const memberStart = reader.offset;
    const header = await readMemberHeader(reader);
    if (header.kind === 'bad') return this.stop(header.fault);
    if (header.kind === 'cut') {
      if (first) return this.stop(this.unexpectedEnd());
      if (reader.readError === undefined) {
        // The input ends inside what would be a next member's header: no data of it is there to lose.
        this.notice(`${garbageNotice(reader.offset + reader.unread.length - memberStart, memberStart)}: a gzip member header cut short`);
      }
      return false;
    }
    const output: MemberOutput = { crc: 0, size: 0 };
    const end = yield* this.inflate(output);
    if (end.kind === 'fault') return this.stop(end.fault);
    if (end.kind === 'cut') return this.stop(this.unexpectedEnd());
    const trailerAt = reader.offset;
    const trailer = await reader.fill(TRAILER_BYTES);
    if (trailer.length < TRAILER_BYTES) return this.stop(this.unexpectedEnd());
    const fault = checkTrailer(trailer, output, trailerAt);
    if (fault !== undefined) this.faults.push(fault);
    reader.consume(TRAILER_BYTES);
    return true;
  }

  /** Inflates a member's deflate data: in one call when it is small, else streamed. */
  private async *inflate(output: MemberOutput): AsyncGenerator<Buffer, InflateEnd> {
    const reader = this.reader;
    const deflateStart = reader.offset;
    reader.keepFromHere();
    const whole = this.small ? await inflateSmall(reader) : undefined;
    let end: InflateEnd = { kind: 'complete' };
    if (whole !== undefined) {
      if (whole.length > 0) this.batch.add(handOn(whole, output, this.emitted));
      if (this.batch.full) yield* this.flush();
    } else {
      yield* this.flush();
      end = yield* inflateStreaming(reader, output, this.emitted, this.options);
    }
    this.small = reader.offset - deflateStart <= SYNC_INPUT_LIMIT;
    return end;
  }

  private *flush(): Generator<Buffer> {
    const gathered = this.batch.take();
    if (gathered !== undefined) yield gathered;
  }

  /** Hands on what is gathered, then raises what went wrong, if anything did. */
  *finish(): Generator<Buffer> {
    yield* this.flush();
    if (this.reader.readError !== undefined) throw this.reader.readError;
    if (this.faults.length > 0) throw new GzipDataError(this.faults, this.stopped);
  }
}

/**
 * The output of small members, handed on in chunks of about BATCH_BYTES:
 * the framer and the pipeline do some work per chunk, and a member may
 * hold only a few lines.
 */
class OutputBatch {
  private parts: Buffer[] = [];
  private bytes = 0;

  add(out: Buffer): void {
    this.parts.push(out);
    this.bytes += out.length;
  }

  get full(): boolean {
    return this.bytes >= BATCH_BYTES;
  }

  /** The gathered output as one buffer, or undefined when there is none. */
  take(): Buffer | undefined {
    if (this.parts.length === 0) return undefined;
    const out = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    return out;
  }
}

/**
 * Checks a member's trailer (RFC 1952 section 2.3.1: CRC32, then ISIZE,
 * the length modulo 2^32, both little-endian) against its output.
 */
export function checkTrailer(trailer: Buffer, member: MemberOutput, at: number): GzipFault | undefined {
  const storedCrc = trailer.readUInt32LE(0);
  const crc = member.crc >>> 0;
  if (storedCrc !== crc) {
    return { reason: `CRC-32 mismatch: the trailer says 0x${hex(storedCrc, 8)}, the data gives 0x${hex(crc, 8)}`, offset: at, exact: true };
  }
  const storedSize = trailer.readUInt32LE(4);
  const size = member.size % 2 ** 32;
  if (storedSize !== size) {
    return { reason: `length mismatch: the trailer says ${storedSize} bytes (modulo 2^32), the data has ${size}`, offset: at + 4, exact: true };
  }
  return undefined;
}
