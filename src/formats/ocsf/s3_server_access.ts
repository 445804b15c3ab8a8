// AWS.S3ServerAccess → API Activity 6003 (OCSF.md §7; issue 18: api.operation
// from the operation, api.service.name s3.amazonaws.com so the events join
// with S3 data events from CloudTrail). API Activity has no http_response and
// no tls in 1.1.0 (events/application/api.json): the status goes to
// api.response.code, the TLS fields to unmapped.
import { isIpAddress } from '../../core/indicators.js';
import { OCSF_CLASSES } from './classes.js';
import { HTTP_METHODS, awsAccount, baseEvent, finish, num, put, str, unmapped, type Fields, type Ocsf } from './common.js';
import type { OcsfMapping } from './index.js';

const CLS = OCSF_CLASSES.api_activity;

const MAPPED = ['bucketowner', 'bucket', 'time', 'remoteip', 'requester', 'requestid', 'operation', 'key', 'httpstatus',
  'errorcode', 'totaltime', 'referrer', 'useragent', 'hostheader'];

/** activity from the operation's verb (OCSF.md §7, our rule). */
function activity(op: string): number {
  if (/^(REST\.(GET|HEAD)\.|WEBSITE\.(GET|HEAD))/.test(op)) return 2;
  if (/^(REST\.DELETE\.|BATCH\.DELETE\.|S3\.EXPIRE\.)/.test(op)) return 4;
  if (op === 'REST.PUT.OBJECT' || op === 'REST.POST.UPLOADS' || op.startsWith('REST.COPY.')) return 1;
  if (/^(REST\.(PUT|POST)\.|S3\.TRANSITION)/.test(op)) return 3;
  return 99;
}

/** The requester: an ARN (its account too), a canonical user id, or anonymous (`-`: actor.user is required). */
function requesterUser(requester: string | undefined): Ocsf {
  if (requester === undefined) return { type: 'Anonymous', name: 'anonymous' };
  const user: Ocsf = { uid: requester };
  if (requester.startsWith('arn:')) put(user, 'account', awsAccount(requester.split(':')[4]));
  return user;
}

/** `GET /bucket/key?x HTTP/1.1` → method (when in the 1.1.0 enum), path, query, version. */
function httpRequest(r: Fields): { request: Ocsf; placedUri: boolean } {
  const request: Ocsf = {};
  let placedUri = false;
  const uri = str(r, 'requesturi');
  const m = uri === undefined ? null : /^([A-Z]+) (\S+) (HTTP\/[\d.]+)$/.exec(uri);
  if (m !== null && HTTP_METHODS.has(m[1]!)) {
    request.http_method = m[1];
    const q = m[2]!.indexOf('?');
    const url: Ocsf = { path: q < 0 ? m[2] : m[2]!.slice(0, q) };
    if (q >= 0 && q + 1 < m[2]!.length) url.query_string = m[2]!.slice(q + 1);
    put(url, 'hostname', str(r, 'hostheader'));
    request.url = url;
    request.version = m[3];
    placedUri = true;
  }
  put(request, 'user_agent', str(r, 'useragent'));
  put(request, 'referrer', str(r, 'referrer'));
  return { request, placedUri };
}

/** The Region a host header names (`bucket.s3.us-west-2.amazonaws.com`, `s3-eu-west-1…`), if any. */
function regionOf(host: string | undefined): string | undefined {
  const m = host === undefined ? null : /(?:^|\.)s3[.-](?:website[.-])?([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com/.exec(host);
  return m?.[1];
}

function map(r: Fields): { event: Ocsf; cls: typeof CLS } | string {
  const op = str(r, 'operation');
  if (op === undefined) return 'the record has no operation: api.operation is required';
  const remote = str(r, 'remoteip');
  const activityId = activity(op);
  const region = regionOf(str(r, 'hostheader'));
  const event = baseEvent(r, {
    cls: CLS,
    activityId,
    ...(activityId === 99 ? { activityName: op } : {}),
    severityId: 1,
    product: { name: 'Amazon S3', feature: 'Server Access Logging' },
    ...(region !== undefined ? { cloud: { region } } : {}),
  });
  const mapped = new Set(MAPPED);
  const status = num(r, 'httpstatus');
  const error = str(r, 'errorcode');
  const failed = error !== undefined || (status !== undefined && status >= 400);
  event.status_id = failed ? 2 : 1;
  event.status = failed ? 'Failure' : 'Success';
  if (status !== undefined) event.status_code = String(status);
  put(event, 'duration', num(r, 'totaltime'));
  event.actor = { user: requesterUser(str(r, 'requester')) };
  const api: Ocsf = { operation: op, service: { name: 's3.amazonaws.com' } };
  const requestId = str(r, 'requestid');
  if (requestId !== undefined) api.request = { uid: requestId };
  const response: Ocsf = {};
  put(response, 'code', status);
  put(response, 'error', error);
  if (Object.keys(response).length > 0) api.response = response;
  event.api = api;
  // No remote IP: S3 acted by itself (lifecycle expiry and transitions, requester AmazonS3).
  event.src_endpoint = remote === undefined ? { svc_name: 's3.amazonaws.com' } : isIpAddress(remote) ? { ip: remote } : { name: remote };
  const resources: Ocsf[] = [];
  const bucket = str(r, 'bucket');
  if (bucket !== undefined) {
    const b: Ocsf = { type: 'AWS::S3::Bucket', name: bucket, uid: `arn:aws:s3:::${bucket}` };
    const owner = str(r, 'bucketowner');
    if (owner !== undefined) b.owner = { uid: owner };
    resources.push(b);
  }
  const key = str(r, 'key');
  if (key !== undefined) resources.push({ type: 'AWS::S3::Object', name: key });
  if (resources.length > 0) event.resources = resources;
  // The bucket owner with no bucket to hang on: kept under unmapped.
  if (bucket === undefined) mapped.delete('bucketowner');
  const { request, placedUri } = httpRequest(r);
  // Without a request line the URL has no path (url needs one): the host header stays under unmapped.
  if (placedUri) mapped.add('requesturi');
  else mapped.delete('hostheader');
  if (Object.keys(request).length > 0) event.http_request = request;
  return { event: finish(r, event, unmapped(r, mapped)), cls: CLS };
}

export const S3_MAPPING: OcsfMapping = {
  classes: [CLS],
  rules: 'API Activity (6003): REST.GET/HEAD → 2 Read, REST.PUT.OBJECT/POST.UPLOADS/COPY → 1 Create, other PUT/POST → 3 Update, DELETE/EXPIRE → 4 Delete, else 99 Other',
  map,
};
