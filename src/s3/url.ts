// `s3://bucket/prefix` strings: what the command line and error reports use
// to name an S3 object or prefix. The key is kept byte for byte (S3 keys are
// any UTF-8, including spaces and `//`), so `s3://b/k` in a report opens the
// very object it names.

/** A bucket and a key (an object) or key prefix (possibly empty: the whole bucket). */
export interface S3Location {
  bucket: string;
  key: string;
}

const SCHEME = 's3://';

/**
 * Bucket names: 3 to 63 characters, lowercase letters, digits, dots and
 * hyphens, starting and ending with a letter or digit
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 * Legacy buckets in us-east-1 may hold capitals or underscores: accepted
 * too, since S3 itself still serves them.
 */
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

/** Whether an argument names S3 (`s3://…`); `S3://` is accepted as the AWS CLI does. */
export function isS3Url(text: string): boolean {
  return text.slice(0, SCHEME.length).toLowerCase() === SCHEME;
}

/**
 * Parses `s3://bucket`, `s3://bucket/` or `s3://bucket/key-or-prefix`.
 * Returns the location, or a one-line reason the text is not one (a usage
 * error for the command line).
 */
export function parseS3Url(text: string): S3Location | string {
  if (!isS3Url(text)) return `${JSON.stringify(text)} is not an s3:// URL`;
  const rest = text.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket.length === 0) return `${JSON.stringify(text)}: no bucket name (expected s3://bucket/prefix)`;
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    return `${JSON.stringify(text)}: ${JSON.stringify(bucket)} is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens)`;
  }
  if (Buffer.byteLength(key) > 1024) return `${JSON.stringify(text)}: the key is longer than the 1,024 bytes S3 allows`;
  return { bucket, key };
}

/** `s3://bucket/key`: how an object is named in messages, reports and summaries. */
export function formatS3Url(location: S3Location): string {
  return `${SCHEME}${location.bucket}/${location.key}`;
}

/** `prefix/relative` for an output below an `s3://` prefix (one `/` between them, none doubled by the join). */
export function joinKey(prefix: string, relative: string): string {
  if (prefix.length === 0 || prefix.endsWith('/')) return prefix + relative;
  return `${prefix}/${relative}`;
}
