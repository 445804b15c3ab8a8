// Gzip inputs built by hand for the gzip tests (issue 13 item 6): members
// with any header fields, damaged trailers, tails, and a runner that feeds
// bytes to gunzip() in chunks of a chosen size, as a file (re-readable) or
// as stdin. Documentation values only (192.0.2.x, 198.51.100.x, 123456789012).
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { GzipDataError, gunzip } from '../../src/pipeline/gunzip.js';

export { seededBytes } from './hostile.js';

/** A default-format VPC line whose `packets` is i + 1 (so order and loss show) and srcAddr 192.0.2.(i % 254 + 1). */
export function vpcLine(i: number): string {
  const start = 1714557600 + i;
  return `2 123456789012 eni-0123456789abcdef0 192.0.2.${i % 254 + 1} 198.51.100.${i % 200 + 1} ${49152 + (i % 16000)} 443 6 ${i + 1} ${(i % 1000) * 40 + 40} ${start} ${start + 60} ACCEPT OK`;
}

/** Lines [from, from + n) as text, each ended by `\n`. */
export function vpcText(n: number, from = 0): string {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) lines.push(vpcLine(i));
  return lines.join('\n') + '\n';
}

export interface MemberOptions {
  /** FNAME (zero-terminated in the header). */
  name?: string;
  /** FCOMMENT. */
  comment?: string;
  /** FEXTRA data. */
  extra?: Buffer;
  /** FHCRC: the CRC-16 of the header. */
  headerCrc?: boolean;
  /** zlib compression level (0: stored blocks). */
  level?: number;
}

/** The length of the header gzipMember writes for these options. */
export function gzipHeaderLength(options: MemberOptions): number {
  return 10 + (options.extra !== undefined ? 2 + options.extra.length : 0) + (options.name !== undefined ? options.name.length + 1 : 0)
    + (options.comment !== undefined ? options.comment.length + 1 : 0) + (options.headerCrc === true ? 2 : 0);
}

/** One gzip member (RFC 1952) holding `data`, with the header fields asked for. */
export function gzipMember(data: string | Buffer, options: MemberOptions = {}): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  let flags = 0;
  const parts: Buffer[] = [];
  if (options.extra !== undefined) {
    flags |= 0x04;
    const len = Buffer.alloc(2);
    len.writeUInt16LE(options.extra.length);
    parts.push(len, options.extra);
  }
  if (options.name !== undefined) {
    flags |= 0x08;
    parts.push(Buffer.from(options.name + '\0', 'latin1'));
  }
  if (options.comment !== undefined) {
    flags |= 0x10;
    parts.push(Buffer.from(options.comment + '\0', 'latin1'));
  }
  if (options.headerCrc === true) flags |= 0x02;
  const fixed = Buffer.from([0x1f, 0x8b, 0x08, flags, 0, 0, 0, 0, 0, 0x03]);
  let header = Buffer.concat([fixed, ...parts]);
  if (options.headerCrc === true) {
    const crc16 = Buffer.alloc(2);
    crc16.writeUInt16LE(crc32(header) & 0xffff);
    header = Buffer.concat([header, crc16]);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(body) >>> 0, 0);
  trailer.writeUInt32LE(body.length % 2 ** 32, 4);
  return Buffer.concat([header, deflateRawSync(body, { level: options.level ?? 6 }), trailer]);
}

/**
 * A member whose deflate data is several segments, each compressed on its
 * own and all but the last ended by a full flush (a valid deflate stream:
 * RFC 1951 blocks need no history from before a full flush). Breaking the
 * block header that starts a segment leaves the segments before it whole.
 * `segmentStarts` are offsets in the member.
 */
export function gzipMemberInSegments(texts: readonly string[]): { member: Buffer; segmentStarts: number[] } {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]);
  const segments = texts.map((t, i) => deflateRawSync(t, i < texts.length - 1 ? { finishFlush: constants.Z_FULL_FLUSH } : {}));
  const segmentStarts: number[] = [];
  let at = header.length;
  for (const s of segments) {
    segmentStarts.push(at);
    at += s.length;
  }
  const body = Buffer.from(texts.join(''));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(body) >>> 0, 0);
  trailer.writeUInt32LE(body.length % 2 ** 32, 4);
  return { member: Buffer.concat([header, ...segments, trailer]), segmentStarts };
}

/** `member` with the block type of the deflate block at `at` set to 3, which RFC 1951 reserves (zlib: "invalid block type"). */
export function withInvalidBlockType(member: Buffer, at: number): Buffer {
  const b = Buffer.from(member);
  b[at] = b[at]! | 0x06;
  return b;
}

/** The member with the first byte of its stored CRC-32 inverted. */
export function withBadCrc(member: Buffer): Buffer {
  const b = Buffer.from(member);
  b[b.length - 8] = 255 - b[b.length - 8]!;
  return b;
}

/** The member with its stored length (ISIZE) one more than it is. */
export function withBadLength(member: Buffer): Buffer {
  const b = Buffer.from(member);
  b.writeUInt32LE((b.readUInt32LE(b.length - 4) + 1) % 2 ** 32, b.length - 4);
  return b;
}

/** The bytes of `data` as an async iterator of chunks of `size` bytes (the last may be shorter). */
export async function* chunksOf(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

export interface Decoded {
  output: Buffer;
  /** The fault raised after the output, if any. */
  error?: GzipDataError;
  notices: string[];
}

/**
 * Decodes `data` with gunzip() read in `chunkSize` chunks: as a regular
 * file (re-readable, the fast path with its hand-over) or as stdin.
 */
export async function decode(data: Buffer, chunkSize: number, as: 'file' | 'stdin'): Promise<Decoded> {
  const notices: string[] = [];
  const parts: Buffer[] = [];
  const options = {
    notice: (m: string) => notices.push(m),
    ...(as === 'file' ? { reread: (start: number, end?: number) => chunksOf(data.subarray(start, end), 1 << 20) } : {}),
  };
  try {
    for await (const chunk of gunzip(chunksOf(data, chunkSize), options)) parts.push(Buffer.from(chunk));
  } catch (err) {
    if (!(err instanceof GzipDataError)) throw err;
    return { output: Buffer.concat(parts), error: err, notices };
  }
  return { output: Buffer.concat(parts), notices };
}
