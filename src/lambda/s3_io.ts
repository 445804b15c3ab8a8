// The S3 reads and writes the handler needs, in one small interface: the
// S3 modules (src/s3/, shared with the CLI's s3:// inputs and outputs) are
// imported lazily, so importing the handler costs no SDK until the first
// object, and tests can hand the handler another implementation.
import type { Writable } from 'node:stream';

/** An object opened for streaming. */
export interface ObjectBody {
  body: AsyncIterable<Buffer>;
  /** Bytes, when S3 said. */
  size?: number;
  /** Bytes [start, end) again, pinned to the same version (for gzip recovery). */
  reread?: (start: number, end?: number) => AsyncGenerator<Buffer>;
}

/** An object being written with a multipart upload: nothing is visible before `done`. */
export interface ObjectUpload {
  stream: Writable;
  /** Resolves once the object exists whole (after stream.end()); rejects with a one-line message. */
  done: Promise<void>;
  /** Nothing is created; never rejects. */
  abort(): Promise<void>;
}

export interface LambdaS3 {
  /**
   * GetObject, pinned with If-Match to `eTag` (bare, as events give it) when
   * known, so an object replaced since its event is never read in its place.
   * Throws an error whose message is one line (`NoSuchKey: …`, `AccessDenied on …`).
   */
  open(bucket: string, key: string, eTag?: string): Promise<ObjectBody>;
  /** Starts a multipart upload to `bucket`/`key`. */
  upload(bucket: string, key: string, contentType: string): Promise<ObjectUpload>;
}

/** The real S3, through src/s3/ (the SDK's default credential chain, AWS_REGION, AWS_ENDPOINT_URL_S3). */
export const realS3: LambdaS3 = {
  async open(bucket, key, eTag) {
    const { openS3Object } = await import('../s3/read.js');
    const opened = await openS3Object({ bucket, key }, eTag === undefined ? undefined : `"${eTag}"`);
    return { body: opened.body, reread: opened.reread, ...(opened.size !== undefined ? { size: opened.size } : {}) };
  },
  async upload(bucket, key, contentType) {
    const { startS3Upload } = await import('../s3/upload.js');
    return startS3Upload({ bucket, key }, contentType);
  },
};
