// The listing plan: which prefixes to list so that a --since/--until run
// over a bucket of years reads the keys of a few days only. AWS files logs
// under date folders named by delivery time, which is at or after the time
// of the events inside, so the days that can hold events in [since, until]
// are since's day to the day after until's day (a late delivery). Records
// are still filtered by time afterwards: the plan only saves listing.
// Pure functions: a prefix and a range in, a step out; list.ts runs them.

/** The --since/--until bounds, RFC3339 UTC (as cli.ts normalizes them). */
export interface TimeRange {
  since?: string;
  until?: string;
}

/**
 * What to do with one prefix (always ending in `/`, or '' for the bucket):
 * - `whole`: list every key below it (no delimiter);
 * - `descend`: list one level with the `/` delimiter, take its objects, and
 *   plan each sub-prefix in turn (a level of a known layout above the date);
 * - `days`: list only these prefixes, each whole (the date level);
 * - `probe`: a prefix of no known layout: list one level with the delimiter
 *   and look (S3 access logs without partitioning name their keys by date).
 */
export type ListStep =
  | { kind: 'whole' }
  | { kind: 'descend' }
  | { kind: 'days'; prefixes: string[] }
  | { kind: 'probe' };

/** How many days a plan lists at most; a longer range lists the date level whole (fewer calls than one per day). */
export const MAX_PLANNED_DAYS = 3660;

/** Services that file logs under `AWSLogs/<account>/<service>/<region>/YYYY/MM/DD/`. */
const DATED_SERVICES = new Set(['vpcflowlogs', 'CloudTrail', 'CloudTrail-Digest', 'CloudTrail-Insight', 'elasticloadbalancing', 'GuardDuty']);

const ACCOUNT = /^\d{12}$/;
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;
/** A region name: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `eu-central-2`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Day `YYYY-MM-DD` of a bound. */
function dayOf(time: string): string {
  return time.slice(0, 10);
}

function addDays(day: string, n: number): string {
  const ms = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + n * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The days whose folders can hold events in the range: since's day to the
 * day after until's (an open until ends the day after `now`). Undefined
 * without a since (every earlier day could), or past MAX_PLANNED_DAYS.
 * Days are `YYYY-MM-DD`, in order.
 */
export function daysToList(range: TimeRange, now: Date = new Date()): string[] | undefined {
  if (range.since === undefined) return undefined;
  const first = dayOf(range.since);
  const last = addDays(range.until !== undefined ? dayOf(range.until) : now.toISOString().slice(0, 10), 1);
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) {
    if (days.length >= MAX_PLANNED_DAYS) return undefined;
    days.push(d);
  }
  return days;
}

/** How a date folder is written below a layout's region level. */
export type DayStyle = 'slashes' | 'hive' | 'key-names';

/** The prefix of one day's keys: `2024/05/01/`, `year=2024/month=05/day=01/`, or `2024-05-01-` (S3 access log names). */
export function dayPrefix(base: string, day: string, style: DayStyle): string {
  const [y, m, d] = [day.slice(0, 4), day.slice(5, 7), day.slice(8, 10)];
  if (style === 'hive') return `${base}year=${y}/month=${m}/day=${d}/`;
  if (style === 'key-names') return `${base}${y}-${m}-${d}-`;
  return `${base}${y}/${m}/${d}/`;
}

/** The prefixes of `daysToList`, or the whole prefix when the range does not bound the days. */
function daysStep(prefix: string, range: TimeRange, style: DayStyle, now: Date): ListStep {
  const days = daysToList(range, now);
  if (days === undefined) return { kind: 'whole' };
  return { kind: 'days', prefixes: days.map((d) => dayPrefix(prefix, d, style)) };
}

/**
 * The step for `prefix` (a key prefix ending in `/`, or '' for the whole
 * bucket). Known layouts, under an optional prefix of the user's:
 * - `AWSLogs/<account>/<service>/<region>/YYYY/MM/DD/` for vpcflowlogs,
 *   CloudTrail, elasticloadbalancing and GuardDuty, with an optional
 *   `<o-organization>/` level before the account (organization trails)
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html,
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html);
 * - Hive-style `AWSLogs/aws-account-id=<account>/aws-service=<service>/aws-region=<region>/year=YYYY/month=MM/day=DD/`
 *   (VPC flow logs with Hive-compatible prefixes; an hour level below is listed whole);
 * - S3 server access logs with date-based partitioning,
 *   `<destination prefix><account>/<region>/<bucket>/YYYY/MM/DD/`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html).
 * Without a range, or for a prefix not ending in `/`, everything is listed whole.
 */
export function planStep(prefix: string, range: TimeRange | undefined, now: Date = new Date()): ListStep {
  if (range === undefined || (range.since === undefined && range.until === undefined)) return { kind: 'whole' };
  if (prefix !== '' && !prefix.endsWith('/')) return { kind: 'whole' };
  const segments = prefix === '' ? [] : prefix.slice(0, -1).split('/');
  const root = segments.lastIndexOf('AWSLogs');
  if (root >= 0) return awsLogsStep(prefix, segments.slice(root + 1), range, now);
  return accessLogStep(prefix, segments, range, now);
}

/** Below `AWSLogs/`: the classic and the Hive-style layouts. */
function awsLogsStep(prefix: string, rel: readonly string[], range: TimeRange, now: Date): ListStep {
  if (rel.length === 0) return { kind: 'descend' };
  if (rel[0]!.startsWith('aws-account-id=')) {
    if (rel.length === 1) return { kind: 'descend' };
    if (rel.length === 2 && rel[1]!.startsWith('aws-service=')) return { kind: 'descend' };
    if (rel.length === 3 && rel[1]!.startsWith('aws-service=') && rel[2]!.startsWith('aws-region=')) return daysStep(prefix, range, 'hive', now);
    return { kind: 'whole' };
  }
  // An organization trail puts the organization id before the account.
  const afterOrg = ORGANIZATION.test(rel[0]!) ? rel.slice(1) : rel;
  if (afterOrg.length === 0) return { kind: 'descend' };
  if (!ACCOUNT.test(afterOrg[0]!)) return { kind: 'whole' };
  if (afterOrg.length === 1) return { kind: 'descend' };
  if (!DATED_SERVICES.has(afterOrg[1]!)) return { kind: 'whole' };
  if (afterOrg.length === 2) return { kind: 'descend' };
  if (afterOrg.length === 3 && REGION.test(afterOrg[2]!)) return daysStep(prefix, range, 'slashes', now);
  return { kind: 'whole' };
}

/** S3 server access logs with date-based partitioning, or a prefix of no known layout (probed). */
function accessLogStep(prefix: string, segments: readonly string[], range: TimeRange, now: Date): ListStep {
  const n = segments.length;
  if (n >= 3 && ACCOUNT.test(segments[n - 3]!) && REGION.test(segments[n - 2]!)) return daysStep(prefix, range, 'slashes', now);
  if (n >= 2 && ACCOUNT.test(segments[n - 2]!) && REGION.test(segments[n - 1]!)) return { kind: 'descend' };
  if (n >= 1 && ACCOUNT.test(segments[n - 1]!)) return { kind: 'descend' };
  return { kind: 'probe' };
}

/**
 * S3 server access log names without partitioning:
 * `YYYY-MM-DD-hh-mm-ss-<16 hex digits>` right after the prefix
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html#server-log-keyname-format).
 */
export const ACCESS_LOG_NAME = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$/;

/** The day prefixes of a probed level whose first object is an S3 access log name (`prefix` + `YYYY-MM-DD-`). */
export function accessLogDays(prefix: string, range: TimeRange, now: Date = new Date()): ListStep {
  return daysStep(prefix, range, 'key-names', now);
}
