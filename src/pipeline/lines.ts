// Line framing: bytes → (text, line number). A line ends at `\n`, `\r\n` or
// a lone `\r` (classic Mac endings, and files whose `\n` were turned into
// `\r`): three records never merge into one. UTF-8 split across chunks is
// decoded safely (ChunkDecoder); invalid bytes become U+FFFD and the record
// is kept. A UTF-8 byte order mark is dropped at the start of every line,
// not only the input's first: `cat a.log b.log` puts b's BOM at the start
// of a line in the middle, where it would hide b's header or first value.
// A line longer than the limit (in UTF-8 bytes, as --max-line-bytes says) is
// never buffered whole: its head is kept for the error report, the rest is
// counted and dropped.
import { ChunkDecoder } from './decode.js';
import { MAX_RAW_CHARS } from '../core/errors.js';

/** What a framer hands on: records, and pieces of input that cannot be records. */
export interface RecordHandler {
  /**
   * One record's text (a non-blank line without its `\n`, `\r\n` or `\r`, or
   * one JSON value) and its first line. `shortNumbersOnly`: the JSON framer
   * found no number in it that a double may not hold (see Parser.parse).
   * `wrapper`: the record is an element of a streamed wrapper array, named
   * by its key (`''` for a top-level array); absent for a whole document.
   */
  record(text: string, lineNo: number, shortNumbersOnly?: boolean, wrapper?: string): void;
  /** The JSON framer starts streaming a wrapper array (its key, `''` for a top-level array) on this line. */
  wrapperStart?(name: string, lineNo: number): void;
  /** Input that cannot become a record: why, its text (possibly only its start), its first line, and its full length when `raw` was cut. */
  reject(message: string, raw: string, lineNo: number, length?: number): void;
}

/** A framer cuts decoded input into records; the pipeline picks one by the log type's Framing. */
export interface Framer {
  push(chunk: Buffer): void;
  /** End of input; `cutShort` after a read fault (the last record may be half). */
  end(cutShort?: boolean): void;
  /**
   * Hands on what is held back for a decision that needs more input (a
   * sample for detection ends here; the input may go on): as if it went on
   * in the likelier way. The framer is not used after this.
   */
  drain?(): void;
}

function tooLongMessage(bytes: number, limit: number): string {
  return `line is ${bytes} bytes long, over the limit of ${limit} (--max-line-bytes); raw holds its start`;
}

/** Bytes of s[start, end) in UTF-8 (an invalid input byte, decoded as U+FFFD, counts 3). */
function utf8Bytes(s: string, start: number, end: number): number {
  return Buffer.byteLength(start === 0 && end === s.length ? s : s.slice(start, end), 'utf8');
}

export const INCOMPLETE_MESSAGE = 'incomplete record: the input ended in the middle of it';

const LF = 10;
const CR = 13;
/** U+FEFF, a UTF-8 byte order mark once decoded. */
const BOM = 0xfeff;

/**
 * Where the first line of s from `from` ends: the index of its `\n` or `\r`,
 * whichever comes first, or -1 when s holds no line end after `from`.
 */
function lineEndIn(s: string, from: number): number {
  const lf = s.indexOf('\n', from);
  const cr = s.indexOf('\r', from);
  if (cr < 0) return lf;
  return lf < 0 || cr < lf ? cr : lf;
}

export class LineFramer implements Framer {
  private readonly decoder = new ChunkDecoder();
  /** The unfinished last line of the input so far (never holds a `\n` or `\r`). */
  private pending = '';
  private lineNo = 0;
  /**
   * The last chunk ended in `\r`, which ended a line: a `\n` at the start of
   * the next chunk is the second half of that CRLF, not another line end.
   */
  private skipLF = false;
  /** Set while skipping the rest of an over-long line: its start, first line, length in characters and in bytes. */
  private overflow: { head: string; lineNo: number; length: number; bytes: number } | undefined;

  /** Lines of up to this many characters are within maxLineBytes whatever they hold (3 bytes a character at most). */
  private readonly maxCharsSure: number;

  constructor(
    private readonly handler: RecordHandler,
    private readonly maxLineBytes: number,
  ) {
    this.maxCharsSure = Math.floor(maxLineBytes / 3);
  }

  /** Lines ended so far (blank ones and over-long ones included): the last line number handed on. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let s = this.decoder.write(chunk);
    if (s.length === 0) return;
    let start = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (s.charCodeAt(0) === LF) start = 1;
    }
    if (this.overflow !== undefined) {
      start = this.continueOverflow(s, start);
      if (start < 0) return;
    } else if (this.pending.length > 0) {
      const end = lineEndIn(s, start);
      if (end < 0) {
        s = this.pending + s.slice(start); // a line longer than a chunk: rare
        start = 0;
        this.pending = '';
      } else {
        // Only the line that spans the two chunks is joined: indexOf and
        // slice on the rope `pending + chunk` were 20x slower per line.
        const spanning = this.pending + s.slice(start, end);
        this.pending = '';
        this.handLine(spanning, 0, spanning.length);
        start = this.afterLineEnd(s, end);
      }
    }
    this.frameLines(s, start);
  }

  /** Hands on the complete lines of s from start; keeps the unfinished tail. */
  private frameLines(s: string, start: number): void {
    // Most inputs have no `\r` at all: one scan of the chunk says so, and the
    // loop then looks for `\n` only, as fast as before lone `\r` counted.
    start = s.indexOf('\r', start) < 0 ? this.frameLF(s, start) : this.frameMixed(s, start);
    const bom = s.charCodeAt(start) === BOM ? 1 : 0; // not part of the line (handLine drops it)
    const rest = s.length - start - bom;
    // Each character is 1 to 3 bytes in UTF-8 (a surrogate pair 4 for 2): more
    // characters than the limit is over it for sure; fewer, and the line's
    // bytes are counted once it is complete (handLine).
    if (rest > this.maxLineBytes) {
      this.lineNo++;
      this.overflow = { head: s.slice(start + bom, start + bom + MAX_RAW_CHARS), lineNo: this.lineNo, length: rest, bytes: utf8Bytes(s, start + bom, s.length) };
    } else {
      this.pending = start === 0 ? s : s.slice(start);
    }
  }

  /** The lines of a chunk without `\r`; returns where the unfinished tail starts. */
  private frameLF(s: string, start: number): number {
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) return start;
      this.handLine(s, start, nl);
      start = nl + 1;
    }
  }

  /** The lines of a chunk with `\n`, `\r\n` and lone `\r` endings in any mix. */
  private frameMixed(s: string, start: number): number {
    // Each index is searched again only once the scan has passed it, so the
    // whole chunk is read at most twice however the endings alternate.
    let lf = s.indexOf('\n', start);
    let cr = s.indexOf('\r', start);
    for (;;) {
      if (lf >= 0 && lf < start) lf = s.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = s.indexOf('\r', start);
      const end = cr < 0 ? lf : lf < 0 || cr < lf ? cr : lf;
      if (end < 0) return start;
      this.handLine(s, start, end);
      start = this.afterLineEnd(s, end);
    }
  }

  /**
   * Where the next line starts after the line end at `end`: past a `\n`, a
   * lone `\r`, or both characters of a `\r\n`. A `\r` that ends the chunk
   * may be half a CRLF: the next chunk's first `\n` is then skipped.
   */
  private afterLineEnd(s: string, end: number): number {
    if (s.charCodeAt(end) === CR) {
      if (end + 1 === s.length) this.skipLF = true;
      else if (s.charCodeAt(end + 1) === LF) return end + 2;
    }
    return end + 1;
  }

  /** One line, s[start, end), without its line end or a BOM at its start: a record, a reject, or a skipped blank line. */
  private handLine(s: string, start: number, end: number): void {
    this.lineNo++;
    if (s.charCodeAt(start) === BOM && start < end) start++;
    // A line of at most a third of the limit in characters fits in any case:
    // only longer ones (rare) have their bytes counted.
    if (end - start > this.maxCharsSure && this.overLimit(s, start, end)) {
      this.rejectTooLong(s, start, end);
    } else if (end > start && !isBlank(s, start, end)) {
      this.handler.record(s.slice(start, end), this.lineNo);
    }
  }

  /** Whether the line s[start, end) is over maxLineBytes (counted only for lines over maxCharsSure characters). */
  private overLimit(s: string, start: number, end: number): boolean {
    return utf8Bytes(s, start, end) > this.maxLineBytes;
  }

  private rejectTooLong(s: string, start: number, end: number): void {
    this.handler.reject(tooLongMessage(utf8Bytes(s, start, end), this.maxLineBytes), s.slice(start, Math.min(end, start + MAX_RAW_CHARS)), this.lineNo, end - start);
  }

  /**
   * Skips on through an over-long line: keeps up to MAX_RAW_CHARS of it for
   * the report and counts the rest. Returns where the next line starts in s,
   * or -1 when the whole of s belongs to the long line.
   */
  private continueOverflow(s: string, start: number): number {
    const o = this.overflow!;
    const end = lineEndIn(s, start);
    const stop = end < 0 ? s.length : end;
    // A limit under MAX_RAW_CHARS leaves room in the head for more of the line.
    if (o.head.length < MAX_RAW_CHARS) o.head += s.slice(start, Math.min(stop, start + MAX_RAW_CHARS - o.head.length));
    o.length += stop - start;
    o.bytes += utf8Bytes(s, start, stop);
    if (end < 0) return -1;
    this.endOverflow();
    return this.afterLineEnd(s, end);
  }

  /**
   * Flushes the last line (a file need not end with a line end). After a
   * read fault, `cutShort` marks that line as incomplete rather than parsing
   * half a record as if it were whole.
   */
  end(cutShort = false): void {
    const tail = this.decoder.end();
    if (tail.length > 0) this.push(Buffer.from(tail));
    if (this.overflow !== undefined) {
      this.endOverflow();
      return;
    }
    const pending = this.pending;
    this.pending = '';
    if (pending.length === 0) return;
    this.lineNo++;
    const s = pending.charCodeAt(0) === BOM ? pending.slice(1) : pending;
    if (isBlank(s, 0, s.length)) return;
    // The tail is at most maxLineBytes characters, but may be more bytes:
    // too long then, cut short or not, as a tail longer in characters is.
    if (s.length > this.maxCharsSure && this.overLimit(s, 0, s.length)) this.rejectTooLong(s, 0, s.length);
    else if (cutShort) this.handler.reject(INCOMPLETE_MESSAGE, s, this.lineNo);
    else this.handler.record(s, this.lineNo);
  }

  private endOverflow(): void {
    const o = this.overflow!;
    this.overflow = undefined;
    this.handler.reject(tooLongMessage(o.bytes, this.maxLineBytes), o.head.slice(0, o.length), o.lineNo, o.length);
  }
}

function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
