// AWS.GuardDuty → Detection Finding 2004 (OCSF.md §7: Security Lake's 1.1.0
// Detection Finding for GuardDuty via Security Hub, with the class file
// events/findings/detection_finding.json and objects/finding_info.json,
// objects/evidences.json, objects/resource_details.json of ocsf-schema v1.1.0).
import { OCSF_CLASSES } from './classes.js';
import { baseEvent, finish, num, obj, put, putTime, rest, str, unmapped, type Fields, type Ocsf } from './common.js';
import type { OcsfMapping } from './index.js';

const CLS = OCSF_CLASSES.detection_finding;

const MAPPED = ['schemaVersion', 'accountId', 'region', 'partition', 'arn', 'type', 'resource', 'createdAt', 'updatedAt', 'title', 'description', 'service'];
const SERVICE_PLACED = ['count', 'eventFirstSeen', 'eventLastSeen', 'detectorId', 'archived', 'action'];

/** GuardDuty's severity bands (Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0) → severity_id 2–5. */
export function severityId(severity: number): number {
  if (severity >= 9) return 5;
  if (severity >= 7) return 4;
  if (severity >= 4) return 3;
  if (severity >= 1) return 2;
  return 1;
}

/** The resource's own id: instance, access key, first bucket, cluster… (resource_details needs a name or uid). */
function resourceUid(resource: Fields): string | undefined {
  const bucket = Array.isArray(resource.s3BucketDetails) ? resource.s3BucketDetails[0] as Fields | undefined : undefined;
  return str(obj(resource, 'instanceDetails'), 'instanceId')
    ?? str(obj(resource, 'accessKeyDetails'), 'accessKeyId')
    ?? str(bucket, 'arn') ?? str(bucket, 'name')
    ?? str(obj(resource, 'eksClusterDetails'), 'arn') ?? str(obj(resource, 'eksClusterDetails'), 'name')
    ?? str(obj(resource, 'ecsClusterDetails'), 'arn')
    ?? str(obj(resource, 'lambdaDetails'), 'functionArn')
    ?? str(obj(resource, 'rdsDbInstanceDetails'), 'dbInstanceArn');
}

/** remoteIpDetails → an endpoint with its location (objects/location.json: coordinates are [lon, lat]). */
function remoteEndpoint(details: Fields | undefined): Ocsf | undefined {
  const ip = str(details, 'ipAddressV4') ?? str(details, 'ipAddressV6');
  if (ip === undefined) return undefined;
  const e: Ocsf = { ip };
  const location: Ocsf = {};
  put(location, 'country', str(obj(details, 'country'), 'countryCode'));
  put(location, 'city', str(obj(details, 'city'), 'cityName'));
  const geo = obj(details, 'geoLocation');
  const lat = num(geo, 'lat');
  const lon = num(geo, 'lon');
  if (lat !== undefined && lon !== undefined) location.coordinates = [lon, lat];
  if (Object.keys(location).length > 0) e.location = location;
  return e;
}

/** service.action → one evidence (objects/evidences.json), the action itself as its `data`. */
function evidenceOf(action: Fields): Ocsf {
  const e: Ocsf = {};
  const api = obj(action, 'awsApiCallAction');
  const net = obj(action, 'networkConnectionAction');
  const dns = obj(action, 'dnsRequestAction');
  const probe = Array.isArray(obj(action, 'portProbeAction')?.portProbeDetails) ? (obj(action, 'portProbeAction')!.portProbeDetails as Fields[])[0] : undefined;
  if (api !== undefined) {
    const a: Ocsf = { operation: str(api, 'api') ?? 'unknown' };
    const svc = str(api, 'serviceName');
    if (svc !== undefined) a.service = { name: svc };
    e.api = a;
    put(e, 'src_endpoint', remoteEndpoint(obj(api, 'remoteIpDetails')));
  }
  if (net !== undefined) {
    const direction = str(net, 'connectionDirection');
    const c: Ocsf = { direction_id: direction === 'INBOUND' ? 1 : direction === 'OUTBOUND' ? 2 : 0 };
    put(c, 'protocol_name', str(net, 'protocol')?.toLowerCase());
    e.connection_info = c;
    put(e, 'src_endpoint', remoteEndpoint(obj(net, 'remoteIpDetails')));
    const port = num(obj(net, 'localPortDetails'), 'port');
    if (port !== undefined) put(e, 'dst_endpoint', { port, ...(str(obj(net, 'localIpDetails'), 'ipAddressV4') !== undefined ? { ip: str(obj(net, 'localIpDetails'), 'ipAddressV4') } : { name: 'local' }) });
  }
  if (dns !== undefined && str(dns, 'domain') !== undefined) e.query = { hostname: str(dns, 'domain') };
  if (probe !== undefined) put(e, 'src_endpoint', remoteEndpoint(obj(probe, 'remoteIpDetails')));
  e.data = action;
  return e;
}

function map(r: Fields): { event: Ocsf; cls: typeof CLS } | string {
  const service = obj(r, 'service');
  const archived = service?.archived === true;
  const created = str(r, 'createdAt');
  const updated = str(r, 'updatedAt');
  const activityId = archived ? 3 : created !== undefined && created === updated ? 1 : 2;
  const severity = num(r, 'severity');
  if (severity === undefined) return 'severity is not a number';
  const event = baseEvent(r, {
    cls: CLS,
    activityId,
    severityId: severityId(severity),
    product: { name: 'GuardDuty', ...(str(service, 'detectorId') !== undefined ? { featureUid: str(service, 'detectorId') } : {}) },
    ...(str(r, 'schemaVersion') !== undefined ? { metadata: { logVersion: str(r, 'schemaVersion') } } : {}),
    cloud: {
      ...(str(r, 'region') !== undefined ? { region: str(r, 'region') } : {}),
      ...(str(r, 'accountId') !== undefined ? { accountUid: str(r, 'accountId') } : {}),
    },
  });
  event.status_id = archived ? 4 : 1;
  event.status = archived ? 'Resolved' : 'New';
  put(event, 'count', num(service, 'count'));
  const info: Ocsf = { uid: str(r, 'arn'), title: str(r, 'title') };
  put(info, 'desc', str(r, 'description'));
  const type = str(r, 'type');
  if (type !== undefined) {
    info.types = [type];
    info.analytic = { type_id: 1, type: 'Rule', name: type };
  }
  putTime(info, 'created_time', created);
  putTime(info, 'modified_time', updated);
  putTime(info, 'first_seen_time', str(service, 'eventFirstSeen'));
  putTime(info, 'last_seen_time', str(service, 'eventLastSeen'));
  event.finding_info = info;
  const resource = obj(r, 'resource');
  if (resource !== undefined) {
    const d: Ocsf = {};
    put(d, 'type', str(resource, 'resourceType'));
    const uid = resourceUid(resource);
    if (uid !== undefined) d.uid = uid;
    else d.name = str(resource, 'resourceType') ?? 'resource';
    put(d, 'region', str(r, 'region'));
    put(d, 'cloud_partition', str(r, 'partition'));
    d.data = resource;
    event.resources = [d];
  }
  const action = obj(service, 'action');
  if (action !== undefined) event.evidences = [evidenceOf(action)];
  const serviceRest = rest(service, SERVICE_PLACED);
  return { event: finish(r, event, unmapped(r, new Set(MAPPED), serviceRest !== undefined ? { service: serviceRest } : undefined)), cls: CLS };
}

export const GUARDDUTY_MAPPING: OcsfMapping = {
  classes: [CLS],
  rules: 'Detection Finding (2004): createdAt = updatedAt → 1 Create, later updates → 2 Update, archived → 3 Close; severity 1.0–3.9 → 2 Low, 4.0–6.9 → 3 Medium, 7.0–8.9 → 4 High, 9.0+ → 5 Critical',
  map,
};
