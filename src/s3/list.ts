// Listing the objects below an s3:// argument with ListObjectsV2
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html):
// paginated, in key order, following the plan of plan.ts so that a time
// range lists only the day folders that can hold it.
import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { loadSdk, s3Client } from './client.js';
import { S3Error, describeS3Error } from './errors.js';
import { ACCESS_LOG_NAME, accessLogDays, planStep, type TimeRange } from './plan.js';
import type { S3Location } from './url.js';

/** One object to read. */
export interface ListedObject {
  key: string;
  /** Bytes, as listed. */
  size: number;
  /** As listed (quoted, as S3 gives it): pins the reads of this object to this version of it. */
  etag?: string;
}

/** Why a listed key is not read. */
export type ListSkipReason = 'hidden' | 'CloudTrail digest' | 'folder marker';

export interface ListResult {
  objects: ListedObject[];
  skipped: Array<{ key: string; reason: ListSkipReason }>;
  /** ListObjectsV2 requests made (pages included). */
  listCalls: number;
}

/** Unknown levels probed below the argument before the rest is listed whole. */
const MAX_PROBE_DEPTH = 2;

/** A page of a listing, as the run needs it. */
interface Page {
  objects: ListedObject[];
  prefixes: string[];
  next?: string;
}

class Lister {
  readonly result: ListResult = { objects: [], skipped: [], listCalls: 0 };

  constructor(private readonly bucket: string, private readonly range: TimeRange | undefined) {}

  /** One ListObjectsV2 page. Throws S3Error. */
  async page(prefix: string, delimiter: boolean, token?: string): Promise<Page> {
    const [{ ListObjectsV2Command }, client] = await Promise.all([loadSdk(), s3Client()]);
    this.result.listCalls++;
    let out: ListObjectsV2CommandOutput;
    try {
      out = await client.send(new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        ...(delimiter ? { Delimiter: '/' } : {}),
        ...(token !== undefined ? { ContinuationToken: token } : {}),
      }));
    } catch (err) {
      throw new S3Error(describeS3Error(err, 's3:ListBucket', { bucket: this.bucket, key: prefix }));
    }
    const objects: ListedObject[] = [];
    for (const o of out.Contents ?? []) {
      if (typeof o.Key !== 'string') continue;
      objects.push({ key: o.Key, size: typeof o.Size === 'number' ? o.Size : 0, ...(typeof o.ETag === 'string' ? { etag: o.ETag } : {}) });
    }
    const prefixes = (out.CommonPrefixes ?? []).map((p) => p.Prefix).filter((p): p is string => typeof p === 'string');
    return { objects, prefixes, ...(out.IsTruncated === true && typeof out.NextContinuationToken === 'string' ? { next: out.NextContinuationToken } : {}) };
  }

  take(o: ListedObject): void {
    const name = o.key.slice(o.key.lastIndexOf('/') + 1);
    if (o.key.endsWith('/')) this.result.skipped.push({ key: o.key, reason: 'folder marker' });
    else if (name.startsWith('.')) this.result.skipped.push({ key: o.key, reason: 'hidden' });
    else if (name.endsWith('.digest') || o.key.split('/').includes('CloudTrail-Digest')) this.result.skipped.push({ key: o.key, reason: 'CloudTrail digest' });
    else this.result.objects.push(o);
  }

  /** Every key below `prefix`, page after page. */
  async whole(prefix: string, keep: (key: string) => boolean = () => true): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.page(prefix, false, token);
      for (const o of page.objects) if (keep(o.key)) this.take(o);
      token = page.next;
    } while (token !== undefined);
  }

  /** Follows the plan for `prefix`; `depth` counts the unknown levels probed above it. */
  async planned(prefix: string, depth: number): Promise<void> {
    const step = planStep(prefix, this.range);
    if (step.kind === 'whole' || (step.kind === 'probe' && depth >= MAX_PROBE_DEPTH)) return this.whole(prefix);
    if (step.kind === 'days') {
      for (const p of step.prefixes) await this.whole(p);
      return;
    }
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.page(prefix, true, token);
      if (first && step.kind === 'probe' && this.range !== undefined && isAccessLogLevel(prefix, page)) {
        // Keys named by date sort by date: each day of the range is one prefix.
        const days = accessLogDays(prefix, this.range);
        if (days.kind === 'days') {
          for (const p of days.prefixes) await this.whole(p);
          return;
        }
      }
      first = false;
      await this.level(page, step.kind === 'probe' ? depth + 1 : depth);
      token = page.next;
    } while (token !== undefined);
  }

  /** One page of a delimited level: its objects and sub-prefixes, merged in key order. */
  private async level(page: Page, depth: number): Promise<void> {
    let i = 0;
    for (const p of page.prefixes) {
      while (i < page.objects.length && page.objects[i]!.key < p) this.take(page.objects[i++]!);
      await this.planned(p, depth);
    }
    while (i < page.objects.length) this.take(page.objects[i++]!);
  }
}

/** Whether a level's first key is an S3 server access log name (not partitioned by date). */
function isAccessLogLevel(prefix: string, page: Page): boolean {
  const first = page.objects[0];
  return first !== undefined && page.prefixes.every((p) => p > first.key) && ACCESS_LOG_NAME.test(first.key.slice(prefix.length));
}

/**
 * The objects an `s3://bucket/prefix` argument names, in key order:
 * - a prefix ending in `/` (or the bucket) is a folder: every object below
 *   it, with a time range only those in the day folders that can hold it;
 * - any other key names an object, or a folder without its `/`: the object
 *   of that key and the objects below `key/`, as a path on disk would (not
 *   `key2`, which merely starts the same), listed whole (no plan).
 * Hidden names, CloudTrail digests and folder markers are passed over with
 * their reason, as for files. Throws S3Error (NoSuchBucket, AccessDenied on
 * the listing, credentials).
 */
export async function listS3(location: S3Location, range: TimeRange | undefined): Promise<ListResult> {
  const lister = new Lister(location.bucket, range);
  const key = location.key;
  if (key === '' || key.endsWith('/')) await lister.planned(key, 0);
  else await lister.whole(key, (k) => k === key || k.startsWith(`${key}/`));
  return lister.result;
}
