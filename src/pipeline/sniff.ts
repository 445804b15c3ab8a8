// Formats awslogs does not read, named from their first bytes, so that a
// bzip2 file or a zip archive is one clear error for that input instead of
// a field error per line or "could not detect the log type". The check runs
// on the decompressed bytes, so a tar or zip inside gzip is named too. UTF-16
// text with a byte order mark is decoded (to UTF-8, which the framers read);
// without one it is named.
import { InputError, type InputInfo } from './input.js';
import { ParquetFound } from './parquet_source.js';

/** How much of the (decompressed) input the check looks at. A tar header's `ustar` is at byte 257. */
export const SNIFF_BYTES = 512;

/** What to do about a format: extract an archive, decompress data, convert text. */
interface Unsupported {
  /** `bzip2-compressed data` */
  readonly name: string;
  readonly verb: 'decompress' | 'extract' | 'convert';
  /** The usual command (`bunzip2 -k`). */
  readonly command: string;
}

interface Signature extends Unsupported {
  /** Where the magic bytes start. */
  readonly at: number;
  readonly magic: readonly number[];
  /** A further check on the head (bzip2's block size digit). */
  readonly also?: (head: Buffer) => boolean;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

// Magic numbers as each format's documentation gives them (and file(1)'s magic database).
const SIGNATURES: readonly Signature[] = [
  { name: 'bzip2-compressed data', verb: 'decompress', command: 'bunzip2 -k', at: 0, magic: ascii('BZh'), also: (h) => h.length > 3 && h[3]! >= 0x31 && h[3]! <= 0x39 },
  { name: 'xz-compressed data', verb: 'decompress', command: 'unxz -k', at: 0, magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zstd-compressed data', verb: 'decompress', command: 'unzstd', at: 0, magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'lz4-compressed data', verb: 'decompress', command: 'unlz4', at: 0, magic: [0x04, 0x22, 0x4d, 0x18] },
  { name: 'lzip-compressed data', verb: 'decompress', command: 'lzip -dk', at: 0, magic: ascii('LZIP') },
  { name: 'compress (.Z) data', verb: 'decompress', command: 'uncompress', at: 0, magic: [0x1f, 0x9d] },
  { name: 'a zip archive', verb: 'extract', command: 'unzip', at: 0, magic: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'a zip archive', verb: 'extract', command: 'unzip', at: 0, magic: [0x50, 0x4b, 0x05, 0x06] }, // empty
  { name: 'a zip archive', verb: 'extract', command: 'unzip', at: 0, magic: [0x50, 0x4b, 0x07, 0x08] }, // spanned
  { name: 'a 7z archive', verb: 'extract', command: '7z x', at: 0, magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'a tar archive', verb: 'extract', command: 'tar -xf', at: 257, magic: ascii('ustar') },
  // Before UTF-16: a UTF-32LE byte order mark starts with UTF-16LE's.
  { name: 'UTF-32LE text', verb: 'convert', command: 'iconv -f UTF-32 -t UTF-8', at: 0, magic: [0xff, 0xfe, 0x00, 0x00] },
  { name: 'UTF-32BE text', verb: 'convert', command: 'iconv -f UTF-32 -t UTF-8', at: 0, magic: [0x00, 0x00, 0xfe, 0xff] },
];

export type Sniffed =
  | { readonly kind: 'plain' }
  /** Text with a UTF-16 byte order mark: decoded. */
  | { readonly kind: 'utf16'; readonly encoding: 'utf-16le' | 'utf-16be' }
  | { readonly kind: 'unsupported'; readonly format: Unsupported };

function matches(head: Buffer, s: Signature): boolean {
  if (head.length < s.at + s.magic.length) return false;
  for (let i = 0; i < s.magic.length; i++) if (head[s.at + i] !== s.magic[i]) return false;
  return s.also === undefined || s.also(head);
}

/**
 * UTF-16 without a byte order mark: text in the Latin range has a zero byte
 * in every other position. At least 9 in 10 pairs must look so (a zero on
 * one side, none on the other), over at least 4 pairs; random binary data
 * has a zero byte in 1 of 256.
 */
function bomlessUtf16(head: Buffer): 'LE' | 'BE' | undefined {
  const pairs = Math.min(head.length, SNIFF_BYTES) >> 1;
  if (pairs < 4) return undefined;
  let zeroOdd = 0;
  let zeroEven = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) zeroEven++;
    if (head[2 * i + 1] === 0) zeroOdd++;
  }
  const most = pairs * 0.9;
  const few = pairs * 0.1;
  if (zeroOdd >= most && zeroEven <= few) return 'LE';
  if (zeroEven >= most && zeroOdd <= few) return 'BE';
  return undefined;
}

/**
 * UTF-32 without a byte order mark: text in the Latin range is one byte and
 * three zeros a character (`c 0 0 0` little-endian, `0 0 0 c` big-endian).
 * At least 9 in 10 quads must look so, over at least 4 quads.
 */
function bomlessUtf32(head: Buffer): 'LE' | 'BE' | undefined {
  const quads = Math.min(head.length, SNIFF_BYTES) >> 2;
  if (quads < 4) return undefined;
  let le = 0;
  let be = 0;
  for (let i = 0; i < quads; i++) {
    const q = 4 * i;
    if (head[q] !== 0 && head[q + 1] === 0 && head[q + 2] === 0 && head[q + 3] === 0) le++;
    if (head[q] === 0 && head[q + 1] === 0 && head[q + 2] === 0 && head[q + 3] !== 0) be++;
  }
  const most = quads * 0.9;
  return le >= most ? 'LE' : be >= most ? 'BE' : undefined;
}

/** What the first bytes of an input (its first SNIFF_BYTES, or all of a shorter one) say about its format. */
export function sniffFormat(head: Buffer): Sniffed {
  for (const s of SIGNATURES) if (matches(head, s)) return { kind: 'unsupported', format: s };
  if (head[0] === 0xff && head[1] === 0xfe) return { kind: 'utf16', encoding: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { kind: 'utf16', encoding: 'utf-16be' };
  const wide = bomlessUtf32(head);
  if (wide !== undefined) {
    return { kind: 'unsupported', format: { name: `UTF-32${wide} text without a byte order mark`, verb: 'convert', command: `iconv -f UTF-32${wide} -t UTF-8` } };
  }
  const bomless = bomlessUtf16(head);
  if (bomless !== undefined) {
    return { kind: 'unsupported', format: { name: `UTF-16${bomless} text without a byte order mark`, verb: 'convert', command: `iconv -f UTF-16${bomless} -t UTF-8` } };
  }
  return { kind: 'plain' };
}

/** The one-line problem for an input in a format awslogs does not read (the Reporter adds the file name). */
export function unsupportedMessage(format: Unsupported, insideGzip: boolean): string {
  const inside = insideGzip ? ' inside gzip' : '';
  const command = insideGzip && format.command === 'tar -xf' ? 'tar -xzf' : format.command;
  return `${format.name}${inside}: not a format awslogs reads (plain text or gzip); ${format.verb} it first (${command})`;
}

/**
 * `PAR1`, little-endian. A regular file that starts so is read as Parquet
 * before it gets here (parquet.ts); an input that can be read by ranges (an
 * S3 object) is handed over to the Parquet reader from here (ParquetFound).
 */
const PARQUET_MAGIC = 0x31524150;

/**
 * Parquet met where it cannot be read: a reader needs the footer at the end
 * of the file first, so stdin, a pipe or a gzip stream would have to be held
 * whole; it is refused instead, saying what to do.
 */
function parquetHere(insideGzip: boolean): string {
  return insideGzip
    ? 'Parquet data inside gzip: not read; gunzip it to a file first (Parquet is read from its end, so only a file or an s3:// object is read as Parquet)'
    : 'Parquet data on stdin or a pipe: not read; Parquet is read from its end (the footer), so only a file or an s3:// object is: ' +
      'save it to a file and pass the file\'s path';
}

/** UTF-16 bytes as UTF-8 bytes, chunk by chunk (a character split between chunks is carried); the BOM is dropped. */
async function* utf16ToUtf8(chunks: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield Buffer.from(tail, 'utf8');
}

/**
 * The decompressed chunks of an input (readInput's), checked at the start:
 * UTF-16 with a byte order mark comes out as UTF-8; a format awslogs does
 * not read (bzip2, xz, zstd, lz4, zip, 7z, tar, UTF-32, UTF-16 without a
 * BOM) throws an InputError naming it before any byte is handed on (the
 * input counts as unreadable: exit 2; the run goes on with the others). A
 * read fault within the first bytes is raised after them, as it came.
 */
export async function* checkedInput(source: AsyncGenerator<Buffer>, info: InputInfo): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  let fault: unknown;
  try {
    while (size < SNIFF_BYTES) {
      const next = await source.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      size += next.value.length;
    }
  } catch (err) {
    fault = err;
    ended = true;
  }
  // The first read of a file is usually the whole head: no copy then.
  const first = head.length === 1 ? head[0]! : Buffer.concat(head);
  if (first.length >= 4 && first.readUInt32LE(0) === PARQUET_MAGIC) {
    await source.return(undefined);
    if (!info.gzip && info.ranged !== undefined) throw new ParquetFound(info.ranged);
    throw new InputError(parquetHere(info.gzip), false);
  }
  const sniffed = sniffFormat(first.subarray(0, SNIFF_BYTES));
  if (sniffed.kind === 'unsupported') {
    await source.return(undefined);
    throw new InputError(unsupportedMessage(sniffed.format, info.gzip), false);
  }
  async function* all(): AsyncGenerator<Buffer> {
    // Handed on one by one and let go: the head is not kept for the whole input.
    while (head.length > 0) yield head.shift()!;
    if (fault !== undefined) throw fault;
    if (!ended) yield* source;
  }
  if (sniffed.kind === 'utf16') yield* utf16ToUtf8(all(), sniffed.encoding);
  else yield* all();
}
