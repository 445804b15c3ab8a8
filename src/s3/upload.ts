// Writing one object as a stream: a multipart upload through lib-storage's
// Upload (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html).
// Nothing is visible at the key until the upload completes, so a reader
// never sees half an output; an aborted upload leaves nothing (its parts
// are deleted by AbortMultipartUpload).
import { PassThrough, type Writable } from 'node:stream';
import { loadStorage, loadSdk, s3Client } from './client.js';
import { S3Error, describeS3Error } from './errors.js';
import type { S3Location } from './url.js';

/** 8 MiB parts (S3's minimum is 5 MiB): up to ~80 GB per object within the 10,000-part limit. */
const PART_BYTES = 8 * 1024 * 1024;
/** Parts sent at once per upload: two keeps memory at ~3 parts per output while the next part fills. */
const PARTS_AT_ONCE = 2;

/** An object being written. */
export interface S3Upload {
  /** Write the object's bytes here, then end() it. Back-pressure is the upload's pace. */
  stream: Writable;
  /** Resolves when the object exists whole (after stream.end()); rejects with S3Error (the upload is aborted then). */
  done: Promise<void>;
  /** Abandons the upload: nothing is created, parts already sent are deleted. Never rejects. */
  abort: () => Promise<void>;
}

/**
 * Starts writing the object at `location` (content type NDJSON, or gzip
 * with `gzip`). The SDK is loaded on the first call. Failures (AccessDenied,
 * NoSuchBucket) come through `done` as S3Error.
 */
export async function startS3Upload(location: S3Location, contentType: string): Promise<S3Upload> {
  const [{ Upload }, client] = await Promise.all([loadStorage(), s3Client()]);
  const stream = new PassThrough({ highWaterMark: 1 << 20 });
  const upload = new Upload({
    client,
    params: { Bucket: location.bucket, Key: location.key, Body: stream, ContentType: contentType },
    partSize: PART_BYTES,
    queueSize: PARTS_AT_ONCE,
    // A failed part must not leave the others behind, billed and invisible.
    leavePartsOnError: false,
  });
  let aborted = false;
  const done = upload.done().then(() => undefined, (err: unknown) => {
    stream.destroy();
    if (aborted) throw new S3Error({ code: 'Aborted', message: `upload to s3://${location.bucket}/${location.key} aborted`, runLevel: false });
    throw new S3Error(describeS3Error(err, 's3:PutObject', location));
  });
  // Observed by the caller through `done`; this keeps an unobserved failure from being an unhandled rejection.
  done.catch(() => undefined);
  return {
    stream,
    done,
    abort: async () => {
      if (aborted) return;
      aborted = true;
      await upload.abort().catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
}

/**
 * Whether an object exists (HeadObject), for --skip-existing. A 404 is
 * false; other failures (AccessDenied, NoSuchBucket) throw S3Error.
 */
export async function s3ObjectExists(location: S3Location): Promise<boolean> {
  const [{ HeadObjectCommand }, client] = await Promise.all([loadSdk(), s3Client()]);
  try {
    await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return true;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const code = (err as { name?: string }).name;
    if (status === 404 && code !== 'NoSuchBucket') return false;
    throw new S3Error(describeS3Error(err, 's3:HeadObject', location));
  }
}

/**
 * Moves a finished object to another key (CopyObject, then DeleteObject):
 * used to rename the output of an input that did not complete to
 * `<key>.partial`. Objects over 5 GB cannot be copied in one request: the
 * error says so. Throws S3Error.
 */
export async function moveS3Object(from: S3Location, to: S3Location): Promise<void> {
  const [{ CopyObjectCommand }, client] = await Promise.all([loadSdk(), s3Client()]);
  try {
    await client.send(new CopyObjectCommand({ Bucket: to.bucket, Key: to.key, CopySource: `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, '/')}` }));
  } catch (err) {
    throw new S3Error(describeS3Error(err, 's3:PutObject', to));
  }
  await deleteS3Object(from);
}

/** Deletes an object; a missing one is not an error (DeleteObject answers 204 either way). Throws S3Error. */
export async function deleteS3Object(location: S3Location): Promise<void> {
  const [{ DeleteObjectCommand }, client] = await Promise.all([loadSdk(), s3Client()]);
  try {
    await client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: location.key }));
  } catch (err) {
    throw new S3Error(describeS3Error(err, 's3:DeleteObject', location));
  }
}
