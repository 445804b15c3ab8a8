// The gzip container (RFC 1952): the compressed input as a byte queue that
// knows offsets, member headers, trailers, and the faults found in them.
// https://www.rfc-editor.org/rfc/rfc1952
import { crc32 } from 'node:zlib';

const EMPTY = Buffer.alloc(0);

// RFC 1952 section 2.3.1: header flag bits.
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;
export const HEADER_BYTES = 10;
export const TRAILER_BYTES = 8;
export const CM_DEFLATE = 8;
/** ID1, ID2 and CM (deflate) of a member header. */
export const MEMBER_START = Buffer.from([0x1f, 0x8b, CM_DEFLATE]);
/** The 10-byte header, the 2 bytes of an empty deflate stream, the 8-byte trailer. */
export const SMALLEST_MEMBER = HEADER_BYTES + 2 + TRAILER_BYTES;

/** Reads compressed bytes [start, end) of the input again (to its end without `end`). */
export type Reread = (start: number, end?: number) => AsyncIterable<Buffer>;

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

/** The compressed input as a queue of unread bytes that knows their offsets. */
export class CompressedReader {
  /** Unread bytes; the first is at `offset`. */
  private buf: Buffer = EMPTY;
  offset = 0;
  ended = false;
  /** Why reading stopped early (an I/O error), if it did. */
  readError: unknown;
  /** Chunks kept since `kept.start` (the current member's deflate data), for a replay. */
  private kept: { start: number; chunks: Buffer[]; bytes: number } | undefined;

  constructor(private source: AsyncIterator<Buffer>, private readonly keepLimit: number) {}

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
      // Joining copies both: it happens only when a few bytes are still unread (a header or trailer across two reads), or a decoder asked for more at once (fill).
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

  /** Starts keeping the bytes from here on, up to the keep limit (stdin: a file is read again instead). */
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

  /**
   * Reads again from offset `to` (at most the current offset plus what is
   * unread): from the kept bytes, else from the file (`reread`). False when
   * neither has them (stdin past the keep limit): the reader stays where it is.
   */
  rewind(to: number, reread: Reread | undefined): boolean {
    const kept = this.keptBytes(to, this.offset + this.buf.length);
    if (kept !== undefined) {
      this.buf = Buffer.concat(kept);
    } else if (reread !== undefined) {
      this.source = reread(to)[Symbol.asyncIterator]();
      this.buf = EMPTY;
      this.ended = false;
    } else {
      return false;
    }
    this.offset = to;
    this.kept = undefined;
    return true;
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

export type HeaderResult =
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
export async function readMemberHeader(reader: CompressedReader): Promise<HeaderResult> {
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

export function hex(n: number, digits: number): string {
  return (n >>> 0).toString(16).padStart(digits, '0');
}

/** The output of the member being inflated: its CRC-32 and length so far, for the trailer. */
export interface MemberOutput {
  crc: number;
  size: number;
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
