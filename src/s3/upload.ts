// Writing one object as a stream: a multipart upload through lib-storage's
// Upload (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html).
// Nothing is visible at the key until the upload completes, so a reader
// never sees half an output; an aborted upload leaves nothing (its parts
// are deleted by AbortMultipartUpload).
import { Transform, type Writable } from 'node:stream';
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
  const [{ Upload }, { AbortMultipartUploadCommand }, client] = await Promise.all([loadStorage(), loadSdk(), s3Client()]);
  // Counts what is written: past one part, lib-storage starts a multipart upload.
  let written = 0;
  const stream = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.length;
      callback(null, chunk);
    },
  });
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
      // lib-storage's abort() only signals (its done() rejects at once) and
      // deletes the upload when its reader next wakes, which a stalled body
      // never does: the body is ended here and the upload deleted by its id.
      await upload.abort().catch(() => undefined);
      stream.destroy();
      await done.catch(() => undefined);
      // An interrupt while CreateMultipartUpload is on its way: its answer
      // (the upload's id) comes after the abort and would leave an upload
      // behind, invisible but billed. Waited for, briefly, when one can be.
      if (upload.uploadId === undefined && written > PART_BYTES) await uploadIdOf(upload, CREATE_WAIT_MS);
      if (upload.uploadId !== undefined) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: location.bucket, Key: location.key, UploadId: upload.uploadId })).catch(() => undefined);
      }
    },
  };
}

/** How long an abort waits for the id of a multipart upload being created (within cleanup.ts's 3 s). */
const CREATE_WAIT_MS = 2000;

/** Resolves when `upload.uploadId` is known, or after `ms` (checked every 20 ms). */
async function uploadIdOf(upload: { uploadId?: string }, ms: number): Promise<void> {
  for (const until = Date.now() + ms; upload.uploadId === undefined && Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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

/**
 * Fails early when a bucket to write to does not exist (HeadBucket), so a
 * run does not do all its work for nothing. A 403 passes: a principal may
 * write a bucket it cannot list, and the upload will tell. Throws S3Error.
 */
export async function checkS3Bucket(bucket: string): Promise<void> {
  const [{ HeadBucketCommand }, client] = await Promise.all([loadSdk(), s3Client()]);
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) return;
    const problem = describeS3Error(err, 's3:PutObject', { bucket, key: '' });
    // HeadBucket answers a missing bucket with a bare 404 (no body, so no code).
    if (status === 404) throw new S3Error({ code: 'NoSuchBucket', message: `NoSuchBucket: s3://${bucket} does not exist (check the bucket name, and the endpoint if one is set)`, runLevel: true });
    throw new S3Error(problem);
  }
}
