// Opening an input: a file or stdin, gzip or plain. Gzip is recognised by its
// magic bytes, never by the name; zlib's gunzip reads the concatenated
// members AWS writes as one stream.
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

const READ_CHUNK = 1 << 20; // 1 MiB reads and inflate chunks: measurably faster than 64 KiB

/** An input that cannot be read at all (exit status 2): the message names the problem. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface InputInfo {
  gzip: boolean;
  /** Compressed (or plain) bytes read so far. */
  bytesRead: number;
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
 * as reading goes on.
 */
export async function* readInput(path: string, info: InputInfo = { gzip: false, bytesRead: 0 }): AsyncGenerator<Buffer> {
  const source: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK });
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
    }
    return;
  }

  const gunzip = createGunzip({ chunkSize: READ_CHUNK });
  pipeline(Readable.from(rest(), { objectMode: false }), gunzip, () => { /* errors surface through iteration below */ });
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code?.startsWith('Z_') || e.code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
      throw new InputError(`corrupt gzip data (${e.message}) at or before compressed byte ${info.bytesRead}`);
    }
    throw new InputError(describeReadError(err));
  }
}
