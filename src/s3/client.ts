// The S3 client, created on first use. The AWS SDK (~10 MB of modules) is
// loaded with a dynamic import() only when an s3:// path is met, so a plain
// `awslogs normalize file.log` starts as fast as without it; type imports
// cost nothing at run time.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

/** Where S3 is, beyond what the SDK's own configuration chain finds. */
export interface S3Settings {
  /**
   * An S3-compatible endpoint (`--endpoint-url`, else `AWS_ENDPOINT_URL_S3`,
   * else `AWS_ENDPOINT_URL`): requests use path-style addressing there.
   */
  endpointUrl?: string;
}

let settings: S3Settings = {};
let client: Promise<S3Client> | undefined;

/**
 * Sets the endpoint for every client made after it (the CLI calls it once
 * with --endpoint-url; a worker thread with what the main thread sent).
 */
export function configureS3(next: S3Settings): void {
  settings = { ...next };
  client = undefined;
}

/** The settings in force, to hand to a worker thread. */
export function currentS3Settings(): S3Settings {
  return { ...settings };
}

/** The endpoint in force: the option, then the standard variables (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). */
export function endpointUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = settings.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The client's configuration: the default credential chain (environment,
 * shared config and AWS_PROFILE, SSO, container and instance roles) and
 * region (AWS_REGION, then the profile's), path-style addressing at an
 * explicit endpoint (S3-compatible stores rarely have per-bucket DNS), and
 * checksums only when an operation requires them: the default CRC32 of a
 * streamed upload is not supported by every S3-compatible store, and TLS
 * already protects the bytes in transit.
 */
export function clientConfig(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = endpointUrl(env);
  return {
    ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}),
    // A bucket in another region than the configured one answers with a
    // redirect; following it saves users from knowing each bucket's region.
    followRegionRedirects: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without a region anywhere, us-east-1 (where bucket lookups are global)
    // with redirects followed still reaches any commercial-partition bucket.
    ...(regionFallback(env) !== undefined ? { region: regionFallback(env)! } : {}),
  };
}

/**
 * A region when the SDK's chain would find none: AWS_DEFAULT_REGION (the
 * AWS CLI's variable, which the SDK does not read), else us-east-1 when
 * there is no shared config file to hold one.
 */
function regionFallback(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_REGION !== undefined && env.AWS_REGION !== '') return undefined;
  if (env.AWS_DEFAULT_REGION !== undefined && env.AWS_DEFAULT_REGION !== '') return env.AWS_DEFAULT_REGION;
  const config = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  return existsSync(config) ? undefined : 'us-east-1';
}

/**
 * The SDK's own modules, loaded once. Before the first load, the SDK's
 * multi-line "NodeVersionSupportWarning" for Node 20 is switched off
 * (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED): the tool's stderr is
 * one line per problem, and the pinned SDK release supports Node 20.
 */
export async function loadSdk(): Promise<typeof import('@aws-sdk/client-s3')> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return import('@aws-sdk/client-s3');
}

/** The lib-storage module (multipart uploads), loaded once on first use. */
export async function loadStorage(): Promise<typeof import('@aws-sdk/lib-storage')> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return import('@aws-sdk/lib-storage');
}

/** The process's S3 client (one per thread), created on first call with the settings in force. */
export function s3Client(): Promise<S3Client> {
  client ??= loadSdk().then(({ S3Client: Client }) => new Client(clientConfig()));
  return client;
}
