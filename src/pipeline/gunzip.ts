// Gzip input that loses nothing before damage. Node's gunzip processes a
// whole input chunk per call and drops that call's output when it meets an
// error (a bad CRC, trailing garbage, a flipped byte), so up to a chunk of
// records before the damage vanished. Clean files still go through Node's
// gunzip (the fastest way through thousands of members); a damaged or
// irregular input is decoded member by member (decodeMembers): the container
// in gzip_format.ts (headers; trailers with CRC-32 and ISIZE), the deflate
// data in gzip_inflate.ts (which recovers what zlib drops at an error), what
// follows the last member in gzip_tail.ts. Everything inflated is handed on
// before a fault is raised.
// https://www.rfc-editor.org/rfc/rfc1952 (gzip file format)
import { createGunzip } from 'node:zlib';
import {
  CompressedReader, GzipDataError, HEADER_BYTES, MEMBER_START, TRAILER_BYTES, checkTrailer, readMemberHeader, type GzipFault, type MemberOutput, type Reread,
} from './gzip_format.js';
import {
  OUT_CHUNK, SYNC_INPUT_LIMIT, handOn, inflateSmall, inflateStreaming, isZlibError, streamThrough, type Emitted, type InflateEnd, type MemberSizes,
} from './gzip_inflate.js';
import { garbageNotice, readTail } from './gzip_tail.js';

export { GzipDataError } from './gzip_format.js';

/** Appended to a fault's reason when decoding went on after it. */
const WENT_ON = '; decoding went on at the next gzip member';

/** Output of small members is handed on in chunks of about this size. */
const BATCH_BYTES = 1 << 20;
/** On stdin (which cannot be read again), compressed bytes of the current member kept for a replay. */
const KEEP_LIMIT = 8 << 20;

export interface GunzipOptions {
  /** Tells the user something that is not an error (trailing garbage, a plain-text tail). */
  notice?: (message: string) => void;
  /**
   * Reads the compressed bytes [start, end) of the input again (a regular
   * file; to its end when `end` is left out). Without it (stdin) the
   * current member's bytes are kept in memory for the recovery after a
   * deflate error, up to KEEP_LIMIT.
   */
  reread?: Reread;
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
  /** Since a fault, no member was decoded whole: a fault now is the same damage. */
  private resyncing = false;
  /** The member before; a member after one too large for inflateSmall is streamed at once. */
  private last: MemberSizes = { compressed: 0, output: 0 };

  constructor(private readonly reader: CompressedReader, private readonly options: GunzipOptions) {
    this.notice = options.notice ?? (() => {});
  }

  private stop(fault: GzipFault): false {
    this.faults.push(fault);
    this.stopped = true;
    return false;
  }

  /**
   * Damage inside a member whose data started at `from`: decoding goes on
   * at the next gzip member header (`1f 8b 08`) after it, read again from
   * there (the damaged member's inflation may have read past that header).
   * A run of damage is one fault, however many false member starts it
   * holds. True when a member follows; false (stopped) when none does.
   */
  private async resync(fault: GzipFault, from: number): Promise<boolean> {
    if (!this.resyncing) this.faults.push(fault);
    this.resyncing = true;
    const reader = this.reader;
    if (reader.readError !== undefined) return this.stopAfterFault();
    if (reader.offset <= from) {
      await reader.fill(from - reader.offset);
      reader.consume(Math.min(from - reader.offset, reader.unread.length));
    } else {
      reader.rewind(from, this.options.reread);
    }
    for (;;) {
      const buf = await reader.fill(MEMBER_START.length);
      if (buf.length < MEMBER_START.length) {
        reader.consume(buf.length);
        return this.stopAfterFault();
      }
      const at = plausibleMemberAt(buf);
      if (at >= 0) {
        reader.consume(at);
        const last = this.faults[this.faults.length - 1]!;
        if (!last.reason.endsWith(WENT_ON)) last.reason += WENT_ON;
        return true;
      }
      reader.consume(buf.length - (MEMBER_START.length - 1));
      if (!(await reader.more())) {
        reader.consume(reader.unread.length);
        return this.stopAfterFault();
      }
    }
  }

  private stopAfterFault(): false {
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
    // The input ends within a next member's 10-byte fixed header, or right
    // after it: no byte of deflate data (nor of an optional header field,
    // which a damaged flag byte could have made of data) is there, so no
    // record can be lost: trailing garbage. One byte more may be data (three
    // bytes of deflate data hold a short line): a member cut short, an error.
    const available = await reader.fill(HEADER_BYTES + 1);
    if (!first && available.length <= HEADER_BYTES && reader.readError === undefined) {
      this.notice(`${garbageNotice(available.length, memberStart)}: a gzip member header cut short`);
      reader.consume(available.length);
      return false;
    }
    const header = await readMemberHeader(reader);
    if (header.kind === 'bad') return this.resync(header.fault, memberStart + 1);
    if (header.kind === 'cut') return this.stop(this.unexpectedEnd());
    const output: MemberOutput = { crc: 0, size: 0 };
    const deflateStart = reader.offset;
    const end = yield* this.inflate(output);
    if (end.kind === 'fault') {
      // After a resync the member may be a false start inside damaged data: what it gave is dropped.
      if (this.resyncing) this.batch.take();
      else yield* this.flush();
      return this.resync(end.fault, deflateStart);
    }
    if (end.kind === 'cut') return this.stop(this.unexpectedEnd());
    const trailerAt = reader.offset;
    const trailer = await reader.fill(TRAILER_BYTES);
    if (trailer.length < TRAILER_BYTES) return this.stop(this.unexpectedEnd());
    const fault = checkTrailer(trailer, output, trailerAt);
    if (fault !== undefined && this.resyncing) {
      this.batch.take();
      return this.resync(fault, deflateStart);
    }
    if (fault !== undefined) this.faults.push(fault);
    reader.consume(TRAILER_BYTES);
    this.resyncing = false;
    return true;
  }

  /** Inflates a member's deflate data: in one call when it is small, else streamed. */
  private async *inflate(output: MemberOutput): AsyncGenerator<Buffer, InflateEnd> {
    const reader = this.reader;
    const deflateStart = reader.offset;
    reader.keepFromHere();
    const whole = this.last.compressed <= SYNC_INPUT_LIMIT ? await inflateSmall(reader, this.last) : undefined;
    let end: InflateEnd = { kind: 'complete' };
    if (whole !== undefined) {
      if (whole.length > 0) this.batch.add(handOn(whole, output, this.emitted));
      if (this.batch.full) yield* this.flush();
    } else {
      yield* this.flush();
      end = yield* inflateStreaming(reader, output, this.emitted, this.options.reread);
    }
    this.last = { compressed: reader.offset - deflateStart, output: output.size };
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
 * Where a gzip member header can start in `buf` (-1: nowhere): the magic
 * bytes and deflate method, no reserved flag, an XFL and OS that gzip
 * writers use. Within damaged data `1f 8b 08` alone turns up once in 16 MiB
 * of random bytes; the rest of the header makes a false start rarer still,
 * and a false member's output is dropped unless its CRC-32 matches.
 */
function plausibleMemberAt(buf: Buffer): number {
  for (let at = buf.indexOf(MEMBER_START); at >= 0; at = buf.indexOf(MEMBER_START, at + 1)) {
    if (at + HEADER_BYTES > buf.length) return at;
    const flags = buf[at + 3]!;
    const xfl = buf[at + 8]!;
    const os = buf[at + 9]!;
    if ((flags & 0xe0) === 0 && (xfl === 0 || xfl === 2 || xfl === 4) && (os <= 13 || os === 255)) return at;
  }
  return -1;
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
