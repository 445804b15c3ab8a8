// The handler's settings, from the function's environment, read once per
// cold start (never per record) and checked whole: a missing or malformed
// setting fails the invocation at its start with one line that names the
// variable, what it must be, and what was found.
//
//   AWSLOGS_OUTPUT  required  s3://bucket/prefix/ where normalized objects go
//   AWSLOGS_ERRORS  optional  s3://bucket/prefix/ for error reports (default <output>errors/)
//   AWSLOGS_TYPE    optional  a log type name (AWS.CloudTrail…); detection when unset
//   AWSLOGS_FORMAT  optional  ndjson (the default: the normalized record) or ocsf (an OCSF 1.1.0 event)
//   AWSLOGS_GZIP    optional  true | false (default false): gzip the outputs (.ndjson.gz)
import { z } from 'zod';
import { LOG_TYPE_NAMES, findLogType, type LogTypeDescriptor } from '../logtypes/index.js';
import type { FormatName } from '../formats/index.js';
import { isS3Url, parseS3Url } from '../s3/url.js';

/** An S3 location: a bucket and a key prefix (empty, or ending in `/` when given as a folder). */
export interface S3Prefix {
  bucket: string;
  prefix: string;
}

export interface LambdaConfig {
  output: S3Prefix;
  errors: S3Prefix;
  /** AWSLOGS_TYPE; undefined means detect each object's type. */
  logType?: LogTypeDescriptor;
  format: FormatName;
  gzip: boolean;
}

/** The configuration cannot be used: `message` is the one line the logs show. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Buckets made today: 3–63 characters of a-z, 0-9, '.', '-', starting and
// ending with a letter or digit (parseS3Url also takes legacy names with
// capitals; an output bucket for this function is a new one).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` → its parts (split by parseS3Url); a prefix that is not empty is made a folder (`logs` → `logs/`). */
const s3Prefix = z.string().trim().transform((text, ctx): S3Prefix => {
  const location = isS3Url(text) ? parseS3Url(text) : `expected s3://bucket/prefix/, found ${JSON.stringify(text.slice(0, 80))}`;
  if (typeof location === 'string') {
    ctx.addIssue({ code: 'custom', message: location });
    return z.NEVER;
  }
  const { bucket, key: prefix } = location;
  if (!BUCKET.test(bucket)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(bucket.slice(0, 80))} is not an S3 bucket name (3 to 63 of a-z, 0-9, '.', '-')` });
    return z.NEVER;
  }
  if (Buffer.byteLength(prefix) > 512) {
    ctx.addIssue({ code: 'custom', message: 'the prefix is longer than 512 bytes; output keys must stay under S3\'s 1,024' });
    return z.NEVER;
  }
  return { bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
});

const logTypeName = z.string().trim().refine((name) => findLogType(name) !== undefined, {
  error: (issue) => `unknown log type ${JSON.stringify(String(issue.input).slice(0, 80))}; known: ${LOG_TYPE_NAMES.join(', ')}`,
});

const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const environment = z.object({
  AWSLOGS_OUTPUT: z.string({ error: 'required: the s3://bucket/prefix/ where normalized objects go' }).pipe(s3Prefix),
  AWSLOGS_ERRORS: z.preprocess(unsetIfEmpty, s3Prefix.optional()),
  AWSLOGS_TYPE: z.preprocess(unsetIfEmpty, logTypeName.optional()),
  AWSLOGS_FORMAT: z.preprocess(unsetIfEmpty, z.enum(['ndjson', 'ocsf'], { error: (issue) => `expected ndjson or ocsf, found ${JSON.stringify(String(issue.input).slice(0, 40))}` }).optional()),
  AWSLOGS_GZIP: z.preprocess(unsetIfEmpty, z.enum(['true', 'false'], { error: (issue) => `expected true or false, found ${JSON.stringify(String(issue.input).slice(0, 40))}` }).optional()),
});

/**
 * The configuration in `env` (process.env in the handler). Throws
 * ConfigError whose message is one line naming every bad variable:
 * `awslogs: bad configuration: AWSLOGS_OUTPUT: required: …; AWSLOGS_TYPE: unknown log type "X"; …`.
 */
export function loadConfig(env: NodeJS.ProcessEnv): LambdaConfig {
  // Only our variables are read, copied by name: nothing else of the environment reaches the schema.
  const parsed = environment.safeParse({
    AWSLOGS_OUTPUT: env.AWSLOGS_OUTPUT,
    AWSLOGS_ERRORS: env.AWSLOGS_ERRORS,
    AWSLOGS_TYPE: env.AWSLOGS_TYPE,
    AWSLOGS_FORMAT: env.AWSLOGS_FORMAT,
    AWSLOGS_GZIP: env.AWSLOGS_GZIP,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`awslogs: bad configuration: ${problems.join('; ')}`);
  }
  const v = parsed.data;
  const output = v.AWSLOGS_OUTPUT;
  const config: LambdaConfig = {
    output,
    errors: v.AWSLOGS_ERRORS ?? { bucket: output.bucket, prefix: `${output.prefix}errors/` },
    format: v.AWSLOGS_FORMAT ?? 'ndjson',
    gzip: v.AWSLOGS_GZIP === 'true',
  };
  if (v.AWSLOGS_TYPE !== undefined) config.logType = findLogType(v.AWSLOGS_TYPE)!;
  return config;
}
