// JSON framing: the input is a sequence of JSON documents separated by white
// space (NDJSON is one case; pretty-printed documents, several in a row, are
// another). Wrappers are streamed: their elements are handed on one by one,
// each with its own starting line, so a trail file of any size (a 1 GB
// `{"Records":[…]}` on one line) costs the memory of one element. Every other
// document is one record.
//
// What is a wrapper. A top-level array, or a top-level object with the shape
// AWS documents for one: its wrapper key (`Records`, `Events`, `Findings`,
// `findings`) holding an array comes before any key other than the
// pagination and SDK keys that sit next to it (`NextToken`, `nextToken`,
// `ResponseMetadata`, `$metadata`), and after the array come only those keys.
// So an event that carries `"Records":[]` or `"findings":[…]` among its own
// keys (`eventVersion` first) is an event, the key kept as data. The framer
// must decide early to stream, so the tail after the array is checked last:
// when the array was empty and the tail holds other keys, the whole document
// is one record (nothing lost); when elements were already handed on, the
// tail is reported, never silently dropped.
//
// The scanner only finds bounds: it tracks strings, escapes, depth and the
// last significant character, one character at a time and without
// recursion, and leaves parsing to the log type (JSON.parse per record;
// ENGINEERING.md measured this at 156 MB/s against 5–16 s for streaming JSON
// parsers on 210 MB). It scans decoded text: ChunkDecoder keeps UTF-8 split
// across chunks intact, and JSON's structural characters are all ASCII.
//
// Input that cannot be a record is rejected with its line, and the scanner
// resynchronises where the next document starts, so one bad document never
// takes the good ones after it:
// - text between documents that does not start one (`{` or `[`): skipped to
//   the next line that does;
// - a raw line break inside a string (JSON forbids it: the record was cut):
//   skipped to the next line that starts with `{`;
// - a `{` or `[` that starts a line (after its indentation) where JSON does
//   not allow a value (where a key, `,` or a closing bracket must come): the
//   record was cut, and a document starts there;
// - a `{` or `[` in column 0 where a value is allowed (after `:`, or as an
//   array element): a cut too, when the record cannot have put it there.
//   Printers keep a value on its key's line; they indent nested lines of a
//   pretty-printed record (line 2 indented), and a one-line record has no
//   nested line at all. Only a record printed flush left (Python's
//   `json.dumps(indent=0)`) has array elements in column 0: there they stay
//   elements;
// - inside a wrapper, a document start where the wrapper's next element
//   cannot be: after an element with no `,`, or in column 0 when the
//   elements are indented or the wrapper was on one line;
// - nesting deeper than maxDepth, or a record longer than maxRecordChars
//   (scanned to its end, reported, never parsed).
// One cut document gives one report: a wrapper cut inside an element is
// reported through that element.
import { ChunkDecoder } from './decode.js';
import { MAX_RAW_CHARS, quoteValue } from '../core/errors.js';
import { MAX_JSON_DEPTH } from '../core/limits.js';
import { SHORT_NUMBER_CHARS } from '../core/exact_number.js';
import { INCOMPLETE_MESSAGE, type Framer, type RecordHandler } from './lines.js';

/**
 * Keys whose array value makes a top-level object a wrapper: a trail file
 * (`Records`), `aws cloudtrail lookup-events` (`Events`), `aws guardduty
 * get-findings` (`Findings`; the REST API's own JSON spells it `findings`).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetFindings.html
 */
export const WRAPPER_KEYS: readonly string[] = ['Records', 'Events', 'Findings', 'findings'];
/**
 * Keys that may stand next to the wrapper array: the page token of
 * LookupEvents (`NextToken`; `nextToken` in REST JSON), and what SDK dumps
 * add (`ResponseMetadata` from boto3, `$metadata` from the JavaScript SDK v3).
 */
export const WRAPPER_SIBLING_KEYS: readonly string[] = ['NextToken', 'nextToken', 'ResponseMetadata', '$metadata'];
const SIBLINGS_TEXT = `${WRAPPER_SIBLING_KEYS.slice(0, -1).join(', ')} or ${WRAPPER_SIBLING_KEYS.at(-1)!}`;
export const DEFAULT_MAX_DEPTH = MAX_JSON_DEPTH;
/**
 * How much of an object's wrapper array is held back before its elements are
 * handed on: an event printed with sorted keys (`json.dumps(sort_keys=True)`
 * puts upper-case keys first) starts `{"Records":[…],"awsRegion":…` like a
 * trail file, and only the keys after the array tell. Four times the largest
 * CloudTrail event (256 KB, the event size quota); a trail file's array is
 * larger, or ends its document. Past this bound the elements are streamed
 * and keys after the array are reported (the documented limit).
 */
export const HOLD_CHARS = 1024 * 1024;
/** Far above any real CloudTrail event or finding, well below V8's string limit (~512 M). */
export const DEFAULT_MAX_RECORD_CHARS = 256 * 1024 * 1024;

export interface JsonFramerOptions {
  maxDepth?: number;
  maxRecordChars?: number;
  /**
   * Wrapper and sibling keys for an input of another shape than the log
   * types' (default WRAPPER_KEYS and WRAPPER_SIBLING_KEYS): the CloudWatch
   * Logs envelopes stream `records` and `events` (src/envelopes/).
   */
  wrapperKeys?: readonly string[];
  siblingKeys?: readonly string[];
}

const enum Mode {
  /** Between top-level documents. */
  Between,
  /** Inside a record that starts with `{`, `[` or `"`, or the rest of a wrapper object after its array. */
  Value,
  /** Inside a number or literal element of a wrapper array. */
  Scalar,
  /** Inside a wrapper array, between elements. */
  WrapperBetween,
  /** Skipping bad input up to the next line that starts a document. */
  Resync,
}

/** What the value being scanned is. */
const enum Role {
  /** A top-level document (possibly becoming a wrapper). */
  Document,
  /** An element of a wrapper. */
  Element,
  /** The rest of a wrapper object after its array (`, "NextToken": "…"}`). */
  Tail,
}

/** How a record is laid out over lines, as far as its cut detection needs it. */
const enum Layout {
  /** Its first line has not ended yet. */
  FirstLine,
  /** Its first line held only the opening bracket; waiting for the first character of a non-blank line. */
  AwaitIndent,
  /** Its first line holds more than the opening bracket: a one-line record. */
  OneLine,
  /** Pretty-printed with indentation: no nested line starts in column 0. */
  Indented,
  /** Pretty-printed flush left (`json.dumps(indent=0)`): nested lines start in column 0. */
  Flush,
}

/** Where a wrapper's elements start their lines. */
const enum ElementLayout {
  /** No element has started a line yet (a one-line wrapper so far). */
  Unknown,
  /** In column 0. */
  Flush,
  /** Indented. */
  Indented,
}

/** Which depth-1 keys of an object are being watched. */
const enum Keys {
  None,
  /** A top-level document: is it a wrapper? */
  Prefix,
  /** A wrapper's tail: does it hold only sibling keys? */
  Tail,
}

/** An element held back: its text, starting line, whether its numbers are all short, and its wrapper's key. */
interface HeldElement {
  text: string;
  line: number;
  short: boolean;
  wrapper: string | undefined;
}

const enum KeyKind {
  Other,
  Wrapper,
  Sibling,
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const BACKSLASH = 92;
const DOT = 46;
const NINE = 57;
const UPPER_E = 69;
const LOWER_E = 101;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BOM = 0xfeff;
/** Or-ed into the last significant character when a line break follows it. */
const AFTER_LF = 0x10000;
const CHAR_MASK = 0xffff;
/** Longest key name kept for classification and messages. */
const KEY_HEAD = 64;

function isBlankChar(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === BOM;
}

/** The start of a piece of text's first line, for a message about it. */
function preview(s: string): string {
  let end = s.indexOf('\n');
  if (end < 0) end = s.length;
  return quoteValue(s.slice(0, Math.min(end, 41)).trimEnd(), 40);
}

function hasContentAfterOpener(text: string): boolean {
  for (let i = 1; i < text.length; i++) if (!isBlankChar(text.charCodeAt(i))) return true;
  return false;
}

function listText(keys: readonly string[]): string {
  return keys.length <= 1 ? keys.join('') : `${keys.slice(0, -1).join(', ')} or ${keys.at(-1)!}`;
}

/** The layout a record's second line shows by its first character (c follows a line break). */
function layoutFromIndent(c: number): Layout {
  if (c === SPACE || c === TAB) return Layout.Indented;
  if (c === CR || c === LF) return Layout.AwaitIndent; // a blank line says nothing yet
  return Layout.Flush;
}

export class JsonFramer implements Framer {
  private readonly decoder = new ChunkDecoder();
  private readonly maxDepth: number;
  private readonly maxRecordChars: number;
  private readonly wrapperKeys: readonly string[];
  private readonly siblingKeys: readonly string[];
  private readonly siblingsText: string;
  /** The shortest and longest wrapper or sibling key: other strings need no lookup. */
  private readonly minKeyLength: number;
  private readonly maxKeyLength: number;
  private first = true;
  private mode = Mode.Between;
  private lineNo = 1;
  /** Last character of the previous chunk (for "column 0" checks at a chunk start). */
  private prevChar = LF;

  // The record being collected: its text is `parts` (earlier chunks) plus
  // the current chunk from `recStart` (-1: nothing being collected).
  private recStart = -1;
  private parts: string[] = [];
  private partsLen = 0;
  /**
   * How much of the current piece is held whole: maxRecordChars for a record;
   * for skipped bad input only what its report shows (a 1 GB line of
   * garbage must not be buffered to report its first 64 KiB).
   */
  private recordLimit: number;
  /** Set once the record is over recordLimit: its head, kept for the report. */
  private overflowHead: string | undefined;
  private recLine = 0;
  private role = Role.Document;
  private layout = Layout.FirstLine;

  // Scanner state inside a value.
  private depth = 0;
  private inString = false;
  private escape = false;
  private tooDeep = false;
  /**
   * The record may hold a number that a double cannot hold exactly: outside
   * strings, a run of SHORT_NUMBER_CHARS digits and dots, or an `e`/`E`
   * right after a digit or dot (an exponent; `true` and `false` have theirs
   * after a letter). Conservative: set for anything that could be one, and
   * for a scalar wrapper element, which is not scanned. When it stays clear
   * the parser skips its own scan for such numbers (Parser.parse).
   */
  private longNumber = false;
  /**
   * Digits and dots outside strings since the last other character that
   * cleared it: never less than the current number's length (quotes and
   * brackets do not clear it: no number is next to one in valid JSON).
   */
  private numberRun = 0;
  /** The last significant character outside strings, with AFTER_LF when a line break followed it. */
  private prev = 0;
  /** The opening bracket at each depth (up to maxDepth): is a `,` there between array elements? */
  private readonly openers: Uint8Array;
  private keys = Keys.None;
  /** Key watch: 1 after a depth-1 string (a key if `:` follows), 2 after a wrapper key's `:`. */
  private watch = 0;
  private keyKind = KeyKind.Other;
  /** The wrapper key found, or the first other key of a tail. */
  private key = '';
  /** Start of the current depth-1 string in this chunk, or -1 when it began in an earlier one. */
  private keyStart = -1;
  /** The string's text from earlier chunks (its first KEY_HEAD characters) and its full length. */
  private keyBuf = '';
  private keyLen = 0;
  /** A tail's first key that is not a sibling key. */
  private tailOther: string | undefined;
  /**
   * Where the next `\\` and line feed are in the current chunk (-1: not
   * looked up yet). Kept across records, or a one-line file would be
   * searched to its chunk's end for a line feed once per record.
   */
  private nextBackslash = -1;
  private nextLf = -1;

  // The wrapper being streamed.
  private wrapperName = '';
  private wrapperInObject = false;
  private wrapperLine = 0;
  private wrapperHead = '';
  private elementLayout = ElementLayout.Unknown;
  /** No element has started: the document's text is still collected (it may be one record after all). */
  private holdingDocument = false;
  /** A cut inside the wrapper was reported already: its unclosed array is not reported again. */
  private wrapperBroken = false;
  /** An element ended and no `,` came after it yet. */
  private afterElement = false;
  /** Only blanks since the last line break. */
  private atElementLineStart = false;
  /**
   * Elements of an object's wrapper array held back (up to HOLD_CHARS)
   * until the keys after the array say whether the object is a wrapper or
   * one event; with the document's text before its first element.
   */
  private holdingElements = false;
  private held: HeldElement[] = [];
  private heldChars = 0;
  private heldHead = '';
  private heldLong = false;
  /**
   * The line of the element being scanned when it began in column 0: an
   * element, or a document after a wrapper cut right after a `,` (0: not so).
   * What follows it decides (`,` or `]`: an element), so a valid document
   * is never torn apart.
   */
  private suspectLine = 0;
  /** Such an element, complete, waiting for the character that decides; and the line it ended on. */
  private suspect: HeldElement | undefined;
  private suspectEndLine = 0;
  /** Text to scan in place of the rest of the current chunk (a suspect read again as a document). */
  private replacement: string | undefined;

  // Resynchronisation after bad input.
  private resyncMessage = '';
  /** Append `found "<start of the skipped text>"` to the message (whatever the chunking). */
  private resyncShowsFound = false;
  private resyncReturn = Mode.Between;
  private atLineStart = false;

  constructor(private readonly handler: RecordHandler, options: JsonFramerOptions = {}) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
    this.recordLimit = this.maxRecordChars;
    this.openers = new Uint8Array(this.maxDepth + 1);
    this.wrapperKeys = options.wrapperKeys ?? WRAPPER_KEYS;
    this.siblingKeys = options.siblingKeys ?? WRAPPER_SIBLING_KEYS;
    this.siblingsText = this.siblingKeys === WRAPPER_SIBLING_KEYS ? SIBLINGS_TEXT : listText(this.siblingKeys);
    const lengths = [...this.wrapperKeys, ...this.siblingKeys].map((k) => k.length);
    this.minKeyLength = Math.min(...lengths);
    this.maxKeyLength = Math.min(KEY_HEAD, Math.max(...lengths));
  }

  /** Characters held for the record in progress and held elements (for tests of bounded memory). */
  get bufferedChars(): number {
    return this.partsLen + (this.holdingElements ? this.heldChars : 0) + (this.suspect?.text.length ?? 0);
  }

  push(chunk: Buffer): void {
    let s = this.decoder.write(chunk);
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === BOM) s = s.slice(1);
    }
    if (s.length > 0) this.scan(s);
  }

  end(cutShort = false): void {
    const tail = this.decoder.end();
    if (tail.length > 0) this.scan(tail);
    switch (this.mode) {
      case Mode.Between:
        return;
      case Mode.Value:
        if (this.role === Role.Element && this.suspectLine > 0 && !cutShort) {
          // The input ends inside an element that began in column 0: a document after a cut wrapper.
          const text = this.takeText('', 0);
          if (text !== undefined) return this.endWithDocument(text, this.suspectLine, cutShort);
        }
        return this.endInValue(cutShort);
      case Mode.Scalar:
        this.emitElement('', 0);
        this.mode = Mode.WrapperBetween;
        return this.end(cutShort);
      case Mode.WrapperBetween:
        if (this.suspect !== undefined) {
          const held = this.suspect;
          this.suspect = undefined;
          // After a read fault nothing says it was no element: the likelier reading.
          if (cutShort) this.deliverElement(held);
          else return this.endWithDocument(held.text, held.line, cutShort);
        }
        this.flushHeld();
        this.mode = Mode.Between;
        // After a read fault the pipeline reports the input; an unclosed wrapper is its echo.
        if (!cutShort) this.reportUnclosedWrapper('', 0, `incomplete JSON: the input ended before the ${this.wrapperDescription()} was closed`);
        else this.reset();
        return;
      case Mode.Resync: {
        this.mode = Mode.Between;
        const inWrapper = this.resyncReturn === Mode.WrapperBetween;
        this.emitReject('', 0, this.resyncMessage, this.resyncShowsFound);
        if (inWrapper && !cutShort) this.reportUnclosedWrapper('', 0, `incomplete JSON: the input ended before the ${this.wrapperDescription()} was closed`);
        return;
      }
    }
  }

  /** See Framer.drain: a held element is an element, held elements are records. */
  drain(): void {
    if (this.suspect !== undefined) this.deliverElement(this.suspect);
    this.suspect = undefined;
    this.flushHeld();
  }

  /** At the end of input, `text` (from `line`) is a document after a cut wrapper: the wrapper is reported, the text read as a document. */
  private endWithDocument(text: string, line: number, cutShort: boolean): void {
    this.reportUnclosedWrapper('', 0, this.unclosedBefore(line));
    this.reset();
    this.suspectLine = 0;
    this.mode = Mode.Between;
    this.lineNo = line;
    this.prevChar = LF;
    this.scan(text);
    this.end(cutShort);
  }

  private unclosedBefore(line: number): string {
    return `malformed JSON: the ${this.wrapperDescription()} is not closed before line ${line} (cut short?)`;
  }

  private endInValue(cutShort: boolean): void {
    this.flushHeld();
    this.mode = Mode.Between;
    if (this.role === Role.Tail) {
      const what = `object holding the ${this.wrapperDescription()}`;
      // Elements were handed on: the tail alone is no record, and after a read fault the input is reported.
      if (cutShort && !this.holdingDocument) return this.reset();
      this.holdingDocument = false;
      return this.emitReject('', 0, `incomplete JSON: the input ended before the ${what} was closed`);
    }
    const length = this.partsLen;
    const text = this.takeText('', 0);
    this.reset();
    this.handler.reject(INCOMPLETE_MESSAGE, text ?? this.overflowHead ?? '', this.recLine, text === undefined ? length : undefined);
  }

  private scan(s: string): void {
    let n = s.length;
    let i = 0;
    this.nextBackslash = this.nextLf = -1;
    // A record's second line began with this chunk: its first character tells the layout.
    if (this.mode === Mode.Value && this.layout === Layout.AwaitIndent && this.prevChar === LF) {
      this.layout = layoutFromIndent(s.charCodeAt(0));
    }
    while (i < n) {
      switch (this.mode) {
        case Mode.Between: i = this.scanBetween(s, i); break;
        case Mode.Value: i = this.scanValue(s, i); break;
        case Mode.Scalar: i = this.scanScalar(s, i); break;
        case Mode.WrapperBetween: i = this.scanWrapperBetween(s, i); break;
        case Mode.Resync: i = this.scanResync(s, i); break;
      }
      if (this.replacement !== undefined) {
        s = this.replacement;
        this.replacement = undefined;
        n = s.length;
        i = 0;
        this.nextBackslash = this.nextLf = -1;
      }
    }
    if (this.recStart >= 0) {
      this.appendPart(this.recStart === 0 ? s : s.slice(this.recStart));
      this.recStart = 0;
    }
    if (this.keyStart >= 0 && this.inString && this.keys !== Keys.None && this.depth === 1 && this.mode === Mode.Value) {
      // A depth-1 string goes on in the next chunk: keep what a key check and a message need.
      if (this.keyBuf.length < KEY_HEAD) this.keyBuf += s.slice(this.keyStart, this.keyStart + KEY_HEAD - this.keyBuf.length);
      this.keyLen += n - this.keyStart;
      this.keyStart = 0;
    }
    this.prevChar = s.charCodeAt(n - 1);
  }

  // ---- record text -------------------------------------------------------

  private beginRecord(i: number, role: Role): void {
    this.recStart = i;
    this.recLine = this.lineNo;
    this.parts = [];
    this.partsLen = 0;
    this.overflowHead = undefined;
    this.recordLimit = this.maxRecordChars;
    this.role = role;
    this.layout = Layout.FirstLine;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.tooDeep = false;
    this.longNumber = false;
    this.numberRun = 0;
    this.prev = 0;
    this.keys = Keys.None;
    this.watch = 0;
    this.keyStart = -1;
  }

  private appendPart(piece: string): void {
    this.partsLen += piece.length;
    if (this.overflowHead !== undefined) {
      this.growHead(piece);
      return;
    }
    this.parts.push(piece);
    if (this.partsLen > this.recordLimit) this.startOverflow();
  }

  /** Over the size limit: keep only the record's first MAX_RAW_CHARS characters, for the report. */
  private startOverflow(): void {
    this.overflowHead = '';
    for (const p of this.parts) this.growHead(p);
    this.parts = [];
  }

  private growHead(piece: string): void {
    const room = MAX_RAW_CHARS - this.overflowHead!.length;
    if (room > 0) this.overflowHead += piece.length <= room ? piece : piece.slice(0, room);
  }

  /** The record's text up to `end` in `s`; undefined when it is over the size limit. */
  private takeText(s: string, end: number): string | undefined {
    const last = this.recStart >= 0 ? s.slice(this.recStart, end) : '';
    if (this.overflowHead === undefined && this.partsLen + last.length <= this.recordLimit) {
      return this.parts.length === 0 ? last : this.parts.join('') + last;
    }
    this.appendPart(last);
    if (this.overflowHead === undefined) this.startOverflow();
    return undefined;
  }

  /** The first `max` characters of the record's text up to `end` in `s`, leaving the record as it is. */
  private headOfText(s: string, end: number, max: number): string {
    let head = this.overflowHead ?? '';
    for (const p of this.parts) {
      if (head.length >= max) break;
      head += p.slice(0, max - head.length);
    }
    if (head.length < max && this.recStart >= 0) head += s.slice(this.recStart, Math.min(end, this.recStart + max - head.length));
    return head;
  }

  private reset(): void {
    this.recStart = -1;
    this.parts = [];
    this.partsLen = 0;
  }

  private emitRecord(s: string, end: number): void {
    const length = this.partsLen + (this.recStart >= 0 ? end - this.recStart : 0);
    const text = this.takeText(s, end);
    const head = this.overflowHead;
    this.reset();
    if (text === undefined) {
      this.handler.reject(`JSON record is ${length} characters long, over the limit of ${this.maxRecordChars}; raw holds its start`, head ?? '', this.recLine, length);
    } else if (this.tooDeep) {
      this.handler.reject(`JSON record nested deeper than ${this.maxDepth} levels (the limit); not parsed`, text, this.recLine);
    } else {
      this.handler.record(text, this.recLine, !this.longNumber, this.role === Role.Element ? this.wrapperName : undefined);
    }
  }

  private emitReject(s: string, end: number, message: string, showFound = false): void {
    this.flushHeld();
    const length = this.partsLen + (this.recStart >= 0 ? end - this.recStart : 0);
    const text = this.takeText(s, end);
    const raw = text === undefined ? this.overflowHead ?? '' : text.trimEnd();
    this.reset();
    this.handler.reject(showFound ? `${message}, found ${preview(raw)}` : message, raw, this.recLine, text === undefined ? length : undefined);
  }

  private startResync(i: number, message: string, returnTo: Mode, showFound = false): void {
    if (this.recStart < 0) this.beginRecord(i, returnTo === Mode.WrapperBetween ? Role.Element : Role.Document);
    this.recordLimit = MAX_RAW_CHARS;
    if (this.overflowHead === undefined && this.partsLen > MAX_RAW_CHARS) this.startOverflow();
    this.resyncMessage = message;
    this.resyncShowsFound = showFound;
    this.resyncReturn = returnTo;
    this.atLineStart = false;
    this.mode = Mode.Resync;
  }

  private wrapperDescription(): string {
    return this.wrapperInObject ? `"${this.wrapperName}" array` : 'top-level array';
  }

  // ---- wrappers ------------------------------------------------------------

  private startWrapper(inObject: boolean, line: number, head: string, layout: ElementLayout): void {
    this.wrapperInObject = inObject;
    this.wrapperLine = line;
    this.wrapperHead = head;
    this.elementLayout = layout;
    this.handler.wrapperStart?.(this.wrapperName, line);
    this.wrapperBroken = false;
    this.afterElement = false;
    this.atElementLineStart = false;
    this.mode = Mode.WrapperBetween;
  }

  /** At the `[` of a top-level object's wrapper key: its elements are streamed from here. */
  private becomeWrapper(s: string, i: number): void {
    this.wrapperName = this.key;
    const layout = this.layout === Layout.Indented ? ElementLayout.Indented
      : this.layout === Layout.Flush ? ElementLayout.Flush : ElementLayout.Unknown;
    this.startWrapper(true, this.recLine, this.headOfText(s, i + 1, 200), layout);
    // The document's text is kept until an element starts: an empty array
    // followed by an event's keys makes the whole document one record.
    this.holdingDocument = true;
    this.keys = Keys.None;
    this.watch = 0;
  }

  /**
   * The array is not empty: its elements are held from here (HOLD_CHARS),
   * with the document's text before the first one (at `i`).
   */
  private startHolding(s: string, i: number): void {
    const head = this.takeText(s, i);
    this.holdingDocument = false;
    this.reset();
    if (head === undefined) return;
    this.holdingElements = true;
    this.heldHead = head;
    this.heldChars = head.length;
    this.heldLong = this.longNumber;
    this.held = [];
  }

  /** Hands on the held elements as records: the object is a wrapper (or broken: its elements are still records). */
  private flushHeld(): void {
    if (!this.holdingElements) return;
    this.holdingElements = false;
    const held = this.held;
    this.held = [];
    this.heldHead = '';
    for (const e of held) this.handler.record(e.text, e.line, e.short, e.wrapper);
  }

  private deliverElement(e: HeldElement): void {
    if (this.holdingElements) {
      if (this.heldChars + e.text.length <= HOLD_CHARS) {
        this.held.push(e);
        this.heldChars += e.text.length;
        return;
      }
      this.flushHeld(); // over the bound: a wrapper's array, streamed from here
    }
    this.handler.record(e.text, e.line, e.short, e.wrapper);
  }

  /** An element ends at `end`: handed on, held with the others, or held as a suspect. */
  private emitElement(s: string, end: number): void {
    if (this.suspectLine === 0 && !this.holdingElements) return this.emitRecord(s, end);
    const length = this.partsLen + (this.recStart >= 0 ? end - this.recStart : 0);
    if (this.tooDeep || this.overflowHead !== undefined || length > this.recordLimit) {
      this.suspectLine = 0;
      this.flushHeld();
      return this.emitRecord(s, end); // reported
    }
    const wrapper = this.role === Role.Element ? this.wrapperName : undefined;
    const e: HeldElement = { text: this.takeText(s, end)!, line: this.recLine, short: !this.longNumber, wrapper };
    this.reset();
    if (this.suspectLine > 0) {
      this.suspectLine = 0;
      this.suspect = e;
      this.suspectEndLine = this.lineNo;
    } else {
      this.deliverElement(e);
    }
  }

  /**
   * After an element that began in column 0 comes something other than `,`
   * or `]` (at `i`), or it is cut (its text so far is `text`): it was no
   * element but a document after a wrapper cut right after a `,`. The
   * wrapper is reported, and the text is scanned again as a document.
   */
  private rescanAsDocument(text: string, line: number, s: string, i: number): void {
    this.reportUnclosedWrapper(s, i, this.unclosedBefore(line));
    this.reset();
    this.suspectLine = 0;
    this.mode = Mode.Between;
    this.lineNo = line;
    this.prevChar = LF;
    this.replacement = text + s.slice(i);
  }

  /** A suspect element is cut at `i`: read again as a document (true), unless too long to hold. */
  private rescanCutSuspect(s: string, i: number): boolean {
    const length = this.partsLen + (this.recStart >= 0 ? i - this.recStart : 0);
    if (this.overflowHead !== undefined || length > this.recordLimit) return false;
    const text = this.takeText(s, i)!;
    this.rescanAsDocument(text, this.suspectLine, s, i);
    return true;
  }

  /**
   * Whether a document starting a line at `i` (column 0 or not) leaves the
   * wrapper rather than being its next element: in column 0 unless the
   * elements are flush left.
   */
  private leavesWrapperAt(s: string, i: number): boolean {
    return this.elementLayout !== ElementLayout.Flush && this.isColumnZero(s, i);
  }

  /** The wrapper ends without its `]`: reported once (not again after a cut element was). */
  private reportUnclosedWrapper(s: string, i: number, message: string): void {
    this.flushHeld();
    const holding = this.holdingDocument;
    this.holdingDocument = false;
    if (this.wrapperBroken) {
      if (holding) this.reset();
      return;
    }
    this.wrapperBroken = true;
    if (holding) {
      // Nothing but the document's head was read: it is the raw of the report.
      this.emitReject(s, i, message);
    } else {
      this.handler.reject(message, this.wrapperHead, this.wrapperLine);
    }
  }

  /** At a wrapper array's `]`: a top-level array is done; an object's tail is scanned as a value of its own. */
  private endWrapperArray(i: number): number {
    if (!this.wrapperInObject) {
      this.mode = Mode.Between;
      return i + 1;
    }
    if (!this.holdingDocument) {
      // Elements were handed on (kept only for a report) or are held (kept whole: the object may be one record).
      this.beginRecord(i, Role.Tail);
      if (!this.holdingElements) this.recordLimit = MAX_RAW_CHARS;
    }
    this.role = Role.Tail;
    this.layout = this.elementLayout === ElementLayout.Indented ? Layout.Indented
      : this.elementLayout === ElementLayout.Flush ? Layout.Flush : Layout.OneLine;
    this.depth = 1;
    this.openers[1] = OPEN_BRACE;
    this.inString = false;
    this.escape = false;
    this.prev = CLOSE_BRACKET;
    this.keys = Keys.Tail;
    this.watch = 0;
    this.keyStart = -1;
    this.tailOther = undefined;
    this.mode = Mode.Value;
    return i + 1;
  }

  /** The wrapper object is closed at `end`: its tail decides what it was. */
  private finishTail(s: string, end: number): void {
    const holding = this.holdingDocument;
    this.holdingDocument = false;
    this.mode = Mode.Between;
    if (this.tailOther === undefined) {
      this.reset(); // NextToken and the like: no event in them
      this.flushHeld();
    } else if (holding) {
      this.emitRecord(s, end); // an empty array among an event's keys: the event, whole
    } else if (this.holdingElements && this.overflowHead === undefined && !this.tooDeep) {
      this.emitHeldDocument(s, end);
    } else {
      this.emitReject(s, end, `malformed JSON: the object holding the ${this.wrapperDescription()} (line ${this.wrapperLine}) has other keys after the array: expected only ${this.siblingsText}, found ${quoteValue(this.tailOther, 40)}; the array's elements were read as records, this rest of the object was not`);
    }
  }

  /**
   * An event whose keys sort before its own (`{"Records":[…],"awsRegion":…}`):
   * the held elements and the tail are the document, one record. Its text is
   * the document's with the white space between elements left out.
   */
  private emitHeldDocument(s: string, end: number): void {
    const tail = this.takeText(s, end)!;
    const held = this.held;
    let short = !this.heldLong && !this.longNumber;
    for (const e of held) short &&= e.short;
    const text = this.heldHead + held.map((e) => e.text).join(',') + tail;
    this.holdingElements = false;
    this.held = [];
    this.heldHead = '';
    this.reset();
    this.handler.record(text, this.wrapperLine, short);
  }

  // ---- modes -------------------------------------------------------------

  private scanBetween(s: string, i: number): number {
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) { this.lineNo++; continue; }
      if (isBlankChar(c)) continue;
      if (c === OPEN_BRACE) {
        this.beginRecord(i, Role.Document);
        this.keys = Keys.Prefix;
        this.mode = Mode.Value;
        return i;
      }
      if (c === OPEN_BRACKET) {
        this.wrapperName = '';
        this.holdingDocument = false;
        this.startWrapper(false, this.lineNo, '[', ElementLayout.Unknown);
        return i + 1;
      }
      this.startResync(i, 'not JSON: expected "{" or "[" to start a document', Mode.Between, true);
      return i;
    }
    return n;
  }

  private scanWrapperBetween(s: string, i: number): number {
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) { this.lineNo++; this.atElementLineStart = true; continue; }
      if (isBlankChar(c)) continue;
      if (c === CLOSE_BRACKET) {
        if (this.suspect !== undefined) this.deliverSuspect();
        return this.endWrapperArray(i);
      }
      const lineStart = this.atElementLineStart;
      this.atElementLineStart = false;
      if (c === COMMA) {
        if (this.suspect !== undefined) this.deliverSuspect();
        this.afterElement = false;
        continue;
      }
      if (this.suspect !== undefined) {
        // Not "," nor "]": no element of a valid array; the wrapper was cut before it.
        const held = this.suspect;
        this.suspect = undefined;
        // The line breaks between the two keep the line numbers (blanks stand for the rest of the white space).
        const between = '\n'.repeat(this.lineNo - this.suspectEndLine) + (lineStart ? '' : ' ');
        this.rescanAsDocument(held.text + between, held.line, s, i);
        return n;
      }
      if (lineStart && (c === OPEN_BRACE || c === OPEN_BRACKET) && this.afterElement) {
        // No "," after the last element: the wrapper was cut and a document starts here.
        this.reportUnclosedWrapper(s, i, this.unclosedBefore(this.lineNo));
        this.mode = Mode.Between;
        return i;
      }
      // In column 0 after "[" or "," among indented elements: an element
      // placed there, or a document after a wrapper cut right after a ",".
      // Scanned as an element; what comes after it decides.
      const suspect = lineStart && (c === OPEN_BRACE || c === OPEN_BRACKET) &&
        this.elementLayout === ElementLayout.Indented && this.isColumnZero(s, i);
      // An element, or bad input: the array is not empty.
      if (this.holdingDocument) this.startHolding(s, i);
      const scalar = c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110; // - 0-9 t f n
      if (scalar || c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE) {
        if (lineStart && this.elementLayout === ElementLayout.Unknown) {
          this.elementLayout = this.isColumnZero(s, i) ? ElementLayout.Flush : ElementLayout.Indented;
        }
        this.beginRecord(i, Role.Element);
        if (suspect) this.suspectLine = this.lineNo;
        this.longNumber = scalar; // a scalar is not scanned for numbers: the parser looks
        this.mode = scalar ? Mode.Scalar : Mode.Value;
        return i;
      }
      this.startResync(i, `malformed JSON: expected "," or "]" between the elements of the ${this.wrapperDescription()}`, Mode.WrapperBetween, true);
      return i;
    }
    return n;
  }

  private deliverSuspect(): void {
    const held = this.suspect!;
    this.suspect = undefined;
    this.deliverElement(held);
  }

  private scanScalar(s: string, i: number): number {
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || c === LF || isBlankChar(c)) {
        this.emitElement(s, i);
        this.resumeWrapperAfterElement();
        return i;
      }
    }
    return n;
  }

  private resumeWrapperAfterElement(): void {
    this.mode = Mode.WrapperBetween;
    this.afterElement = true;
    this.atElementLineStart = false;
  }

  private scanResync(s: string, i: number): number {
    const n = s.length;
    while (i < n) {
      if (!this.atLineStart) {
        const nl = s.indexOf('\n', i);
        if (nl < 0) return n;
        this.lineNo++;
        this.atLineStart = true;
        i = nl + 1;
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === LF) { this.lineNo++; i++; continue; }
      if (isBlankChar(c)) { i++; continue; }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        const inWrapper = this.resyncReturn === Mode.WrapperBetween;
        const leaves = inWrapper && this.leavesWrapperAt(s, i);
        // Inside a wrapper, a `[` line is no element start to stop at; it may start a document of its own.
        if (c === OPEN_BRACE || !inWrapper || leaves) {
          this.emitReject(s, i, this.resyncMessage, this.resyncShowsFound);
          this.resumeAt(s, i, inWrapper, leaves, `malformed JSON: the ${this.wrapperDescription()} is not closed before line ${this.lineNo} (cut short?)`);
          return i;
        }
      }
      this.atLineStart = false;
    }
    return n;
  }

  /** After a reported piece of bad input, a document or element starts a line at `i`. */
  private resumeAt(s: string, i: number, inWrapper: boolean, leavesWrapper: boolean, unclosedMessage: string): void {
    if (!inWrapper) {
      this.mode = Mode.Between;
    } else if (leavesWrapper) {
      this.reportUnclosedWrapper(s, i, unclosedMessage);
      this.mode = Mode.Between;
    } else {
      this.mode = Mode.WrapperBetween;
      this.afterElement = false; // the bad input stood for an element
      this.atElementLineStart = true;
    }
  }

  private isColumnZero(s: string, i: number): boolean {
    return (i > 0 ? s.charCodeAt(i - 1) : this.prevChar) === LF;
  }

  /**
   * The hot loop: one record's bounds. Inside strings (most of the text) it
   * jumps with indexOf to the next quote, backslash or line break, each
   * position cached until the scan passes it. Outside strings, where every
   * number is, it notes one that may need its exact text (longNumber).
   */
  private scanValue(s: string, i: number): number {
    const n = s.length;
    const openers = this.openers;
    const maxDepth = this.maxDepth;
    let keys = this.keys;
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    let watch = this.watch;
    let prev = this.prev;
    let numberRun = this.numberRun;
    let nextQuote = -1; // the closing quote of a finished record is behind us
    let nextBackslash = this.nextBackslash;
    let nextLf = this.nextLf;
    for (; i < n; i++) {
      if (inString) {
        if (escape) {
          escape = false;
          if (s.charCodeAt(i) !== LF) continue;
        } else {
          if (nextQuote < i) { nextQuote = s.indexOf('"', i); if (nextQuote < 0) nextQuote = n; }
          if (nextBackslash < i) { nextBackslash = s.indexOf('\\', i); if (nextBackslash < 0) nextBackslash = n; }
          if (nextLf < i) { nextLf = s.indexOf('\n', i); if (nextLf < 0) nextLf = n; }
          i = nextQuote < nextBackslash ? nextQuote : nextBackslash;
          if (nextLf < i) i = nextLf;
          if (i >= n) break;
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            inString = false;
            prev = QUOTE;
            if (depth === 0) { // a string element
              this.inString = false;
              this.nextBackslash = nextBackslash;
              this.nextLf = nextLf;
              this.finishValue(s, i + 1);
              return i + 1;
            }
            if (keys !== Keys.None && depth === 1) {
              this.keyKind = this.keyEnded(s, i);
              watch = 1;
            }
            continue;
          }
          if (c === BACKSLASH) {
            escape = true;
            continue;
          }
        }
        // A raw line break inside a string: JSON forbids it, so the record was cut short.
        this.depth = depth;
        this.inString = true;
        this.escape = false;
        this.nextBackslash = nextBackslash;
        this.nextLf = nextLf;
        this.cutInString(s, i);
        return this.replacement !== undefined ? n : i;
      }
      const c = s.charCodeAt(i);
      if (c <= SPACE) {
        if (c === LF) {
          this.lineNo++;
          prev |= AFTER_LF;
          if (this.layout <= Layout.AwaitIndent) this.noteLineBreak(s, i);
        }
        continue;
      }
      if (watch !== 0) {
        if (watch === 1 && c === COLON) {
          watch = this.keyConfirmed();
          keys = this.keys;
        } else if (watch === 2 && c === OPEN_BRACKET && ((prev & AFTER_LF) === 0 || !this.startsDocument(s, i, prev, depth))) {
          this.nextBackslash = nextBackslash;
          this.nextLf = nextLf;
          this.becomeWrapper(s, i);
          return i + 1;
        } else {
          // A string value, not a key; or a wrapper key holding no array: an event's key.
          if (watch === 2) keys = this.keys = Keys.None;
          watch = 0;
        }
      }
      switch (c) {
        case QUOTE:
          inString = true;
          if (keys !== Keys.None && depth === 1) {
            this.keyStart = i + 1;
            this.keyBuf = '';
            this.keyLen = 0;
          }
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if ((prev & AFTER_LF) !== 0 && depth > 0 && this.startsDocument(s, i, prev, depth)) {
            this.nextBackslash = nextBackslash;
            this.nextLf = nextLf;
            this.cutAt(s, i);
            return this.replacement !== undefined ? n : i;
          }
          if (++depth > maxDepth) this.tooDeep = true;
          else openers[depth] = c;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (--depth === 0) {
            this.depth = 0;
            this.nextBackslash = nextBackslash;
            this.nextLf = nextLf;
            this.finishValue(s, i + 1);
            return i + 1;
          }
          break;
        default:
          // `,` `:`, a number or a literal. ('/' counts as a digit: it is no
          // JSON outside strings, and counting too much only costs a scan.)
          if (c >= DOT && c <= NINE) {
            if (++numberRun >= SHORT_NUMBER_CHARS) this.longNumber = true;
          } else if (numberRun !== 0) {
            if (c === LOWER_E || c === UPPER_E) this.longNumber = true;
            numberRun = 0;
          }
      }
      prev = c;
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    this.watch = watch;
    this.prev = prev;
    this.numberRun = numberRun;
    return n;
  }

  /** The first line break of a record (or a blank line after its opener-only first line): what layout is it? */
  private noteLineBreak(s: string, i: number): void {
    if (this.layout === Layout.FirstLine) {
      if (this.firstLineHasContent(s, i)) {
        this.layout = Layout.OneLine;
        return;
      }
      this.layout = Layout.AwaitIndent;
    }
    // At a chunk's end the next chunk's first character decides (scan()).
    if (i + 1 < s.length) this.layout = layoutFromIndent(s.charCodeAt(i + 1));
  }

  private firstLineHasContent(s: string, i: number): boolean {
    const length = this.partsLen + (i - this.recStart);
    if (length > 64) return true;
    return hasContentAfterOpener(this.parts.join('') + s.slice(this.recStart, i));
  }

  /**
   * A `{` or `[` starts a line inside the record (at depth ≥ 1): does a new
   * document start there? Yes where JSON allows no value (a key, `,` or a
   * closing bracket must come); where it allows one, yes in column 0 after
   * `:` (printers keep a value on its key's line) or inside an array of a
   * one-line or indented record (only flush-left printing puts elements in
   * column 0).
   */
  private startsDocument(s: string, i: number, prev: number, depth: number): boolean {
    const last = prev & CHAR_MASK;
    const valueAllowed = last === COLON || last === OPEN_BRACKET ||
      (last === COMMA && (depth > this.maxDepth || this.openers[depth] === OPEN_BRACKET));
    if (!valueAllowed) return true;
    if (!this.isColumnZero(s, i)) return false;
    return last === COLON || this.layout === Layout.OneLine || this.layout === Layout.Indented;
  }

  /** The record is cut where a document starts at `i`: reported, and scanning resumes there. */
  private cutAt(s: string, i: number): void {
    const role = this.role;
    if (role === Role.Element && this.suspectLine > 0 && this.rescanCutSuspect(s, i)) return;
    let message: string;
    if (role === Role.Tail) {
      message = `malformed JSON: the object holding the ${this.wrapperDescription()} is not closed before line ${this.lineNo} (cut short?)`;
    } else if (this.layout === Layout.OneLine) {
      message = `malformed JSON: the record on line ${this.recLine} is not closed at the end of the line (cut short?)`;
    } else {
      message = `malformed JSON: the record starting on line ${this.recLine} is not closed before line ${this.lineNo}, where a new document starts (cut short?)`;
    }
    if (role === Role.Tail) this.holdingDocument = false;
    this.emitReject(s, i, message);
    if (role !== Role.Element) {
      this.mode = Mode.Between;
      return;
    }
    // This report stands for the wrapper too: it is cut where the element is.
    this.wrapperBroken = true;
    this.resumeAt(s, i, true, this.leavesWrapperAt(s, i), '');
  }

  /** A raw line break inside a string at `i`: the record is cut; skip to the next line that starts a document. */
  private cutInString(s: string, i: number): void {
    if (this.role === Role.Element && this.suspectLine > 0 && this.rescanCutSuspect(s, i)) return;
    if (this.role === Role.Tail) {
      this.holdingDocument = false;
      this.startResync(i, `malformed JSON: the object holding the ${this.wrapperDescription()} is cut short (line ${this.lineNo} ends inside a string)`, Mode.Between);
      return;
    }
    const inWrapper = this.role === Role.Element;
    if (inWrapper) this.wrapperBroken = true;
    this.startResync(i, `malformed JSON: line ${this.lineNo} ends inside a string (the record is cut short or not JSON)`, inWrapper ? Mode.WrapperBetween : Mode.Between);
  }

  /** A depth-1 string closed at `end` while keys are watched: what kind of key would it be? */
  private keyEnded(s: string, end: number): KeyKind {
    const start = this.keyStart;
    this.keyStart = -1;
    const len = this.keyLen + (end - start);
    const head = this.keyBuf + s.slice(start, Math.min(end, start + KEY_HEAD - this.keyBuf.length));
    this.keyBuf = '';
    this.keyLen = 0;
    this.key = head;
    return len >= this.minKeyLength && len <= this.maxKeyLength ? this.keyKindOf(head) : KeyKind.Other;
  }

  private keyKindOf(key: string): KeyKind {
    if (this.wrapperKeys.includes(key)) return KeyKind.Wrapper;
    if (this.siblingKeys.includes(key)) return KeyKind.Sibling;
    return KeyKind.Other;
  }

  /** The string before this `:` was a key: 2 to watch for a wrapper's `[`, else 0 (this.keys updated). */
  private keyConfirmed(): number {
    const kind = this.keyKind;
    if (kind === KeyKind.Sibling) return 0;
    if (this.keys === Keys.Prefix) {
      if (kind === KeyKind.Wrapper) return 2;
      this.keys = Keys.None; // an event's own key: an event, whatever keys follow
      return 0;
    }
    // A tail: any other key (a second wrapper key too) means it is no wrapper's tail.
    this.tailOther = this.key;
    this.keys = Keys.None;
    return 0;
  }

  private finishValue(s: string, end: number): void {
    switch (this.role) {
      case Role.Document:
        this.emitRecord(s, end);
        this.mode = Mode.Between;
        return;
      case Role.Element:
        this.emitElement(s, end);
        this.resumeWrapperAfterElement();
        return;
      case Role.Tail:
        this.finishTail(s, end);
        return;
    }
  }
}
