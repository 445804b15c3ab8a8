// Where a Parquet file's bytes come from (issue 17): a local file, read
// with positioned reads, or an object that can be read by byte ranges (an
// s3:// object in the CLI or the Lambda handler: ranged GetObject requests
// pinned with If-Match to the version first read, src/s3/read.ts). Both are
// handed to hyparquet as its AsyncBuffer (`byteLength` + `slice(start, end)`),
// so the reader never needs the whole file: the footer, then each row
// group's column chunks (hyparquet coalesces a row group's adjacent chunks
// into reads of up to 2 MiB, its plan.js `runLimit`).
import { open, type FileHandle } from 'node:fs/promises';
import type { AsyncBuffer } from 'hyparquet';
import type { RangedInput } from './input.js';

/** A Parquet file that cannot be read: the message says what is wrong. */
export class ParquetError extends Error {
  override name = 'ParquetError';
}

/** A Parquet file to read: a local file by its path, or a ranged input (an S3 object). */
export type ParquetSource =
  | { readonly kind: 'file'; readonly path: string | Buffer }
  | { readonly kind: 'ranged'; readonly input: RangedInput };

/**
 * Thrown by the input's first-bytes check (sniff.ts) when a ranged input
 * starts with `PAR1`: the streamed read has been closed, and the input is
 * read again as Parquet by ranges. A signal, not a failure.
 */
export class ParquetFound extends Error {
  override name = 'ParquetFound';
  constructor(readonly input: RangedInput) {
    super('a Parquet object, read by ranges');
  }
}

/**
 * Ranged reads at most in flight for one input. hyparquet asks for all of a
 * row group's coalesced ranges at once; four GETs keep a link busy (S3
 * answers each in tens of ms) without holding many row groups' bytes.
 */
export const MAX_RANGES_IN_FLIGHT = 4;

/** An opened source: its AsyncBuffer and how to let it go. */
export interface OpenedSource {
  file: AsyncBuffer;
  close(): Promise<void>;
}

/** Opens a source for reading; a file that cannot be opened throws its fs error. */
export async function openParquetSource(source: ParquetSource): Promise<OpenedSource> {
  if (source.kind === 'ranged') return { file: rangedBuffer(source.input), close: async () => undefined };
  const handle = await open(source.path, 'r');
  try {
    return { file: fileBuffer(handle, (await handle.stat()).size), close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function checkRange(start: number, end: number, size: number): void {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start && end <= size)) {
    throw new ParquetError(`a read of bytes ${start}-${end} outside the file (${size} bytes)`);
  }
}

/** Reads byte ranges of an open file, as hyparquet asks for them; every range is checked against the file. */
function fileBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      checkRange(start, end, size);
      const bytes = new Uint8Array(end - start);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
        if (bytesRead === 0) throw new ParquetError(`the file ended at byte ${start + done} while reading bytes ${start}-${end} (it changed while read?)`);
        done += bytesRead;
      }
      return bytes.buffer;
    },
  };
}

/**
 * A ranged input as an AsyncBuffer: each slice is one ranged read (one
 * GetObject with `Range: bytes=a-b`), at most MAX_RANGES_IN_FLIGHT at once,
 * its bytes copied into one buffer of exactly the asked length (a shorter
 * or longer answer is an error: the object changed, or the server ignored
 * the range). The input's own errors (a 412 when the object was replaced)
 * pass through as they are.
 */
export function rangedBuffer(input: RangedInput, inFlight = MAX_RANGES_IN_FLIGHT): AsyncBuffer {
  const size = input.size;
  const gate = new Gate(inFlight);
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      checkRange(start, end, size);
      const bytes = new Uint8Array(end - start);
      if (bytes.length === 0) return bytes.buffer;
      await gate.enter();
      try {
        let done = 0;
        for await (const chunk of input.read(start, end)) {
          if (done + chunk.length > bytes.length) throw new ParquetError(`a read of bytes ${start}-${end} returned more bytes than asked (the server ignored the range?)`);
          bytes.set(chunk, done);
          done += chunk.length;
        }
        if (done !== bytes.length) throw new ParquetError(`the object ended at byte ${start + done} while reading bytes ${start}-${end} (it changed while read?)`);
      } finally {
        gate.leave();
      }
      return bytes.buffer;
    },
  };
}

/** At most `limit` holders at once; the others wait in order. */
class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async enter(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next waiter: `active` stays as it is.
    if (next !== undefined) next();
    else this.active--;
  }
}
