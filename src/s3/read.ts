// Reading one object with GetObject
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html):
// its body is streamed chunk by chunk, never held whole; a range of it can
// be read again (gunzip.ts does so to recover after damage), pinned with
// If-Match to the version first read so a changed object is never mixed in.
import type { Readable } from 'node:stream';
import { loadSdk, s3Client } from './client.js';
import { S3Error, describeS3Error } from './errors.js';
import type { S3Location } from './url.js';

/** An object opened for reading. */
export interface OpenedObject {
  /** The body's bytes, streamed. A failure mid-way throws the SDK's error. */
  body: AsyncIterable<Buffer>;
  /** Content length in bytes, when S3 gave it. */
  size?: number;
  etag?: string;
  /** Bytes [start, end) again (to the end without `end`). Throws S3Error. */
  reread: (start: number, end?: number) => AsyncGenerator<Buffer>;
}

async function getObject(location: S3Location, etag: string | undefined, range?: string): Promise<{ body: Readable; size?: number; etag?: string }> {
  const [{ GetObjectCommand }, client] = await Promise.all([loadSdk(), s3Client()]);
  try {
    const out = await client.send(new GetObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      ...(etag !== undefined ? { IfMatch: etag } : {}),
      ...(range !== undefined ? { Range: range } : {}),
    }));
    // In Node the SDK's body is an http.IncomingMessage, a Readable.
    const body = out.Body as Readable | undefined;
    if (body === undefined) throw new Error('GetObject returned no body');
    return { body, ...(typeof out.ContentLength === 'number' ? { size: out.ContentLength } : {}), ...(typeof out.ETag === 'string' ? { etag: out.ETag } : {}) };
  } catch (err) {
    throw new S3Error(describeS3Error(err, 's3:GetObject', location));
  }
}

/**
 * Opens an object for streaming (`etag`, from the listing, pins it to the
 * version listed: a replaced object fails with PreconditionFailed rather
 * than mixing two versions). Throws S3Error (NoSuchKey, AccessDenied…).
 */
export async function openS3Object(location: S3Location, etag?: string): Promise<OpenedObject> {
  const first = await getObject(location, etag);
  const pinned = first.etag ?? etag;
  return {
    body: first.body as AsyncIterable<Buffer>,
    ...(first.size !== undefined ? { size: first.size } : {}),
    ...(pinned !== undefined ? { etag: pinned } : {}),
    reread: async function* (start: number, end?: number): AsyncGenerator<Buffer> {
      if (end !== undefined && end <= start) return;
      const again = await getObject(location, pinned, `bytes=${start}-${end !== undefined ? end - 1 : ''}`);
      for await (const chunk of again.body) yield chunk as Buffer;
    },
  };
}
