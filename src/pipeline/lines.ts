// Line framing: bytes → (text, line number). UTF-8 split across chunks is
// decoded safely (ChunkDecoder); invalid bytes become U+FFFD and the record
// is kept. A line longer than the limit is never buffered whole: its head is
// kept for the error report, the rest is counted and dropped.
import { ChunkDecoder } from './decode.js';
import { MAX_RAW_CHARS } from '../core/errors.js';

/** What a framer hands on: records, and pieces of input that cannot be records. */
export interface RecordHandler {
  /** One record's text (a non-blank line without `\n`/`\r\n`, or one JSON value) and its first line. */
  record(text: string, lineNo: number): void;
  /** Input that cannot become a record: why, its text (possibly only its start), its first line, and its full length when `raw` was cut. */
  reject(message: string, raw: string, lineNo: number, length?: number): void;
}

/** A framer cuts decoded input into records; the pipeline picks one by the log type's Framing. */
export interface Framer {
  push(chunk: Buffer): void;
  /** End of input; `cutShort` after a read fault (the last record may be half). */
  end(cutShort?: boolean): void;
}

function tooLongMessage(length: number, limit: number): string {
  return `line is ${length} characters long, over the limit of ${limit} (--max-line-bytes); raw holds its start`;
}

export const INCOMPLETE_MESSAGE = 'incomplete record: the input ended in the middle of it';

export class LineFramer implements Framer {
  private readonly decoder = new ChunkDecoder();
  private pending = '';
  private lineNo = 0;
  private first = true;
  /** Set while skipping the rest of an over-long line. */
  private overflow: { head: string; lineNo: number; length: number; endsInCR: boolean } | undefined;

  constructor(
    private readonly handler: RecordHandler,
    private readonly maxLineChars: number,
  ) {}

  push(chunk: Buffer): void {
    let s = this.decoder.write(chunk);
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); // UTF-8 BOM
    }
    let start = 0;
    if (this.overflow !== undefined) {
      const nl = s.indexOf('\n');
      const o = this.overflow;
      // A limit under MAX_RAW_CHARS leaves room in the head for more of the line.
      if (o.head.length < MAX_RAW_CHARS) o.head += s.slice(0, Math.min(nl < 0 ? s.length : nl, MAX_RAW_CHARS - o.head.length));
      if (nl < 0) {
        if (s.length > 0) {
          o.length += s.length;
          o.endsInCR = s.charCodeAt(s.length - 1) === 13;
        }
        return;
      }
      o.length += nl;
      if (nl > 0) o.endsInCR = s.charCodeAt(nl - 1) === 13;
      this.endOverflow();
      start = nl + 1;
    } else if (this.pending.length > 0) {
      const nl = s.indexOf('\n');
      if (nl < 0) {
        s = this.pending + s; // a line longer than a chunk: rare
        this.pending = '';
      } else {
        // Only the line that spans the two chunks is joined: indexOf and
        // slice on the rope `pending + chunk` were 20x slower per line.
        const spanning = this.pending + s.slice(0, nl + 1);
        this.pending = '';
        this.frameLines(spanning, 0);
        start = nl + 1;
      }
    }
    this.frameLines(s, start);
  }

  /** Hands on the complete lines of s from start; keeps the unfinished tail. */
  private frameLines(s: string, start: number): void {
    const handler = this.handler;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) break;
      this.lineNo++;
      const end = nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end - start > this.maxLineChars) {
        handler.reject(tooLongMessage(end - start, this.maxLineChars), s.slice(start, Math.min(end, start + MAX_RAW_CHARS)), this.lineNo, end - start);
      } else if (end > start && !isBlank(s, start, end)) {
        handler.record(s.slice(start, end), this.lineNo);
      }
      start = nl + 1;
    }
    const rest = s.length - start;
    // One more than the limit may still end in the \r of a CRLF.
    if (rest > this.maxLineChars + 1) {
      this.lineNo++;
      this.overflow = { head: s.slice(start, start + MAX_RAW_CHARS), lineNo: this.lineNo, length: rest, endsInCR: s.charCodeAt(s.length - 1) === 13 };
    } else {
      this.pending = start === 0 ? s : s.slice(start);
    }
  }

  /**
   * Flushes the last line (a file need not end with `\n`). After a read
   * fault, `cutShort` marks that line as incomplete rather than parsing half
   * a record as if it were whole.
   */
  end(cutShort = false): void {
    const tail = this.decoder.end();
    if (tail.length > 0) this.push(Buffer.from(tail));
    if (this.overflow !== undefined) {
      this.endOverflow();
      return;
    }
    let s = this.pending;
    this.pending = '';
    if (s.length === 0) return;
    this.lineNo++;
    if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    if (s.length === 0 || isBlank(s, 0, s.length)) return;
    if (cutShort) this.handler.reject(INCOMPLETE_MESSAGE, s, this.lineNo);
    else this.handler.record(s, this.lineNo);
  }

  private endOverflow(): void {
    const o = this.overflow!;
    this.overflow = undefined;
    // The \r of a CRLF is not part of the line, as for lines that fit.
    const length = o.endsInCR ? o.length - 1 : o.length;
    this.handler.reject(tooLongMessage(length, this.maxLineChars), o.head.slice(0, length), o.lineNo, length);
  }
}

function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
