// AWS.ALB → HTTP Activity 4002 (OCSF.md §7: aws-samples
// amazon-security-lake-transformation-library's aws-alb.json, corrected where
// it breaks the 1.1.0 schema: events/network/http.json,
// objects/http_request.json, objects/load_balancer.json, profiles/load_balancer.json).
import { OCSF_CLASSES } from './classes.js';
import { HTTP_METHODS, baseEvent, finish, num, put, putTime, str, unmapped, type Fields, type Ocsf } from './common.js';
import type { OcsfMapping } from './index.js';

const CLS = OCSF_CLASSES.http_activity;

/** http_method → activity_id (events/network/http.json). */
const METHOD_ACTIVITY: Readonly<Record<string, number>> = { CONNECT: 1, DELETE: 2, GET: 3, HEAD: 4, OPTIONS: 5, POST: 6, PUT: 7, TRACE: 8 };

const MAPPED = ['timestamp', 'elb', 'clientIp', 'clientPort', 'targetIp', 'targetPort', 'elbStatusCode', 'receivedBytes',
  'sentBytes', 'requestUrl', 'requestHttpVersion', 'userAgent', 'traceId', 'requestCreationTime',
  'classification', 'classificationReason', 'errorReason'];

/** `url` (objects/url.json) from the request URL: the text, and its parts when it parses. */
function urlOf(text: string, sni: string | undefined): Ocsf {
  const url: Ocsf = { url_string: text };
  try {
    const u = new URL(text);
    url.scheme = u.protocol.replace(/:$/, '');
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    if (host !== '') url.hostname = host;
    if (u.port !== '') url.port = Number(u.port);
    url.path = u.pathname;
    if (u.search.length > 1) url.query_string = u.search.slice(1);
  } catch {
    // Not a URL (a malformed request line): the text alone.
  }
  if (url.hostname === undefined && sni !== undefined) url.hostname = sni;
  return url;
}

/** The three processing times in seconds, -1 when the request never reached that stage: their sum in ms, or undefined. */
function durationMs(r: Fields): number | undefined {
  const parts = [num(r, 'requestProcessingTime'), num(r, 'targetProcessingTime'), num(r, 'responseProcessingTime')];
  if (parts.some((p) => p === undefined || p < 0)) return undefined;
  return Math.round((parts as number[]).reduce((a, b) => a + b, 0) * 1000);
}

function map(r: Fields): { event: Ocsf; cls: typeof CLS } | string {
  const code = num(r, 'elbStatusCode');
  // http_response.code is required and the line has no status: no value to invent.
  if (code === undefined) return 'elb_status_code is absent, and HTTP Activity requires http_response.code';
  const method = str(r, 'requestHttpMethod');
  const known = method !== undefined && HTTP_METHODS.has(method);
  const activityId = known ? METHOD_ACTIVITY[method]! : 99;
  const event = baseEvent(r, {
    cls: CLS,
    activityId,
    ...(activityId === 99 && method !== undefined ? { activityName: method } : {}),
    severityId: 1,
    product: { name: 'Elastic Load Balancing', feature: 'Application Load Balancer' },
    ...(str(r, 'traceId') !== undefined ? { metadata: { correlationUid: str(r, 'traceId') } } : {}),
  });
  const mapped = new Set(MAPPED);
  putTime(event, 'start_time', str(r, 'requestCreationTime'));
  put(event, 'duration', durationMs(r));
  event.status_id = code < 400 ? 1 : 2;
  event.status = code < 400 ? 'Success' : 'Failure';
  event.status_code = String(code);
  const src: Ocsf = {};
  put(src, 'ip', str(r, 'clientIp'));
  put(src, 'port', num(r, 'clientPort'));
  event.src_endpoint = src;
  const dst: Ocsf = {};
  put(dst, 'ip', str(r, 'targetIp'));
  put(dst, 'port', num(r, 'targetPort'));
  // No target (the load balancer answered itself): the load balancer is the responder.
  if (dst.ip === undefined) put(dst, 'name', str(r, 'elb'));
  event.dst_endpoint = dst;
  event.connection_info = { direction_id: 1, direction: 'Inbound', protocol_num: 6, protocol_name: 'tcp' };
  const request: Ocsf = {};
  if (known) {
    request.http_method = method;
    mapped.add('requestHttpMethod');
  }
  const domain = str(r, 'domainName');
  const url = str(r, 'requestUrl');
  if (url !== undefined) request.url = urlOf(url, domain);
  put(request, 'version', str(r, 'requestHttpVersion'));
  put(request, 'user_agent', str(r, 'userAgent'));
  event.http_request = request;
  event.http_response = { code };
  const traffic: Ocsf = {};
  put(traffic, 'bytes_in', num(r, 'receivedBytes'));
  put(traffic, 'bytes_out', num(r, 'sentBytes'));
  if (Object.keys(traffic).length > 0) event.traffic = traffic;
  const protocol = str(r, 'sslProtocol');
  if (protocol !== undefined) {
    const tls: Ocsf = { version: protocol };
    put(tls, 'cipher', str(r, 'sslCipher'));
    put(tls, 'sni', domain);
    event.tls = tls;
    mapped.add('sslProtocol');
    mapped.add('sslCipher');
    if (domain !== undefined) mapped.add('domainName');
  }
  const lb: Ocsf = {};
  put(lb, 'name', str(r, 'elb'));
  put(lb, 'classification', str(r, 'classification'));
  put(lb, 'status_detail', str(r, 'classificationReason'));
  put(lb, 'error_message', str(r, 'errorReason'));
  if (Object.keys(lb).length > 0) event.load_balancer = lb;
  return { event: finish(r, event, unmapped(r, mapped)), cls: CLS };
}

export const ALB_MAPPING: OcsfMapping = {
  classes: [CLS],
  rules: 'HTTP Activity (4002): activity from the request method (GET → 3 Get, POST → 6 Post, …; PATCH and others → 99 Other)',
  map,
};
