// SDK failures as one line a person can act on. S3 answers with an error
// code (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html);
// the SDK adds its own for credentials and the network. A message names the
// s3:// location and, where a permission is missing, the action to grant.
import { formatS3Url, type S3Location } from './url.js';

/** What was being done when S3 failed: names the IAM action in AccessDenied messages. */
export type S3Action = 's3:ListBucket' | 's3:GetObject' | 's3:PutObject' | 's3:HeadObject' | 's3:DeleteObject';

/**
 * One failure: `message` is one line; `runLevel` is true when every other
 * request would fail the same way (credentials, a missing bucket, no
 * permission to list), so the run stops with status 2 instead of failing
 * each input in turn.
 */
export interface S3Problem {
  code: string;
  message: string;
  runLevel: boolean;
}

interface SdkError {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const CREDENTIAL_CODES = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'CredentialsProviderError']);

/** The error's S3 code (`NoSuchKey`, `AccessDenied`…), or its name, or its HTTP status. */
export function s3ErrorCode(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkError;
  for (const c of [e.Code, e.name, e.code]) if (typeof c === 'string' && c !== '' && c !== 'Error' && c !== 'S3ServiceException') return c;
  const status = e.$metadata?.httpStatusCode;
  if (status === 404) return 'NotFound';
  if (status === 403) return 'Forbidden';
  return typeof status === 'number' ? `HTTP ${status}` : 'Error';
}

/** The principal S3 names in a newer AccessDenied message (`User: arn:aws:iam::…:user/x is not authorized…`), if any. */
function principalOf(message: string): string | undefined {
  const m = /User: (arn:[^\s]+)/.exec(message);
  return m?.[1];
}

/** One line from the SDK's message: its first line, without trailing white space. */
function firstLine(message: unknown): string {
  return typeof message === 'string' ? (message.split('\n')[0] ?? '').trim() : String(message);
}

/**
 * Translates an SDK error met while doing `action` on `location` (a key of
 * '' names the bucket) into one line. Never throws.
 */
export function describeS3Error(err: unknown, action: S3Action, location: S3Location): S3Problem {
  const code = s3ErrorCode(err);
  const message = firstLine((err as SdkError | undefined)?.message);
  const where = location.key === '' ? `s3://${location.bucket}` : formatS3Url(location);
  if (code === 'NoSuchBucket') return { code, message: `NoSuchBucket: s3://${location.bucket} does not exist (check the bucket name, and the endpoint if one is set)`, runLevel: true };
  if (code === 'AccessDenied' || code === 'Forbidden' || code === 'AllAccessDisabled') {
    const principal = principalOf(message) ?? 'the credentials in use';
    // Denied listing (or writing) hits every input alike; one object denied is that object's problem.
    return { code, message: `AccessDenied on ${where} (check ${action} for ${principal})`, runLevel: action !== 's3:GetObject' };
  }
  if (code === 'NoSuchKey' || (code === 'NotFound' && action === 's3:GetObject')) {
    return { code, message: `NoSuchKey: ${where} does not exist (deleted since it was listed or announced?)`, runLevel: false };
  }
  if (code === 'PreconditionFailed' || code === 'HTTP 412') {
    // If-Match failed: the object's ETag is no longer the one first read (read.ts pins every reread to it).
    return { code, message: `PreconditionFailed: ${where} changed while it was read (replaced since it was listed or first read); nothing of the new version was mixed in: read it again`, runLevel: false };
  }
  if (CREDENTIAL_CODES.has(code) || /credential/i.test(code)) {
    const hint = code === 'ExpiredToken' || code === 'ExpiredTokenException' || code === 'TokenRefreshRequired'
      ? 'the session has expired: refresh it (aws sso login, or new temporary credentials)'
      : code === 'CredentialsProviderError'
        ? 'no credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a machine with a role'
        : 'the access key is not valid here: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE (and the endpoint, if one is set)';
    return { code, message: `${code} on ${where}: ${hint}`, runLevel: true };
  }
  if (/region is missing/i.test(message)) return { code: 'RegionMissing', message: `no AWS region for ${where}: set AWS_REGION`, runLevel: true };
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(message)) {
    return { code, message: `cannot reach S3 for ${where} (${message}): check the network, or --endpoint-url`, runLevel: true };
  }
  return { code, message: `${code} on ${where}${message !== '' && message !== code ? `: ${message}` : ''}`, runLevel: false };
}

/** An S3 failure carried as an Error (its message is the one line), for code that throws. */
export class S3Error extends Error {
  constructor(readonly problem: S3Problem) {
    super(problem.message);
    this.name = 'S3Error';
  }
}
