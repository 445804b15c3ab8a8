// AWS.VPCFlow → Network Activity 4001 (OCSF.md §7, after AWS's own 1.1.0
// mapping of VPC Flow Logs for Security Lake: ocsf/examples
// mappings/markdown/AWS/v1.1.0/VPC Flowlogs, and the class file
// events/network/network_activity.json of ocsf-schema v1.1.0).
import { OCSF_CLASSES } from './classes.js';
import { baseEvent, finish, num, put, putTime, str, unmapped, type Fields, type Ocsf } from './common.js';
import type { OcsfMapping } from './index.js';

const CLS = OCSF_CLASSES.network_activity;

/** The native fields this mapping places (everything else goes to `unmapped`). */
const MAPPED = new Set([
  'version', 'account', 'interfaceId', 'srcAddr', 'dstAddr', 'srcPort', 'dstPort', 'protocol', 'packets', 'bytes',
  'start', 'end', 'action', 'status', 'vpcId', 'subNetId', 'instanceId', 'tcpFlags', 'trafficType', 'pktSrcAddr',
  'pktDstAddr', 'region', 'azId', 'pktSrcAwsService', 'pktDstAwsService', 'flowDirection', 'trafficPath',
]);

/** traffic-path → connection_info.boundary_id (AWS's table; objects/network_connection_info.json captions). */
const BOUNDARY: Readonly<Record<number, readonly [number, string]>> = {
  1: [4, 'Same VPC'], 2: [5, 'Internet/VPC Gateway'], 3: [6, 'Virtual Private Gateway'], 4: [7, 'Intra-region VPC'],
  5: [8, 'Inter-region VPC'], 6: [9, 'Local Gateway'], 7: [10, 'Gateway VPC'], 8: [11, 'Internet Gateway'],
};

/** action → [activity_id, action_id, action, disposition_id, disposition, status_id]. */
function outcome(action: string | undefined): readonly [number, number, string, number, string, number] {
  if (action === 'ACCEPT') return [6, 1, 'Allowed', 1, 'Allowed', 1];
  if (action === 'REJECT') return [5, 2, 'Denied', 2, 'Blocked', 2];
  // NODATA/SKIPDATA rows have no action: still one event, activity Unknown.
  return [0, 0, 'Unknown', 0, 'Unknown', 0];
}

/** `src_endpoint.ip` ← pkt-srcaddr when present and different (then `intermediate_ips` = [srcaddr]), else srcaddr. */
function endpoint(addr: string | undefined, pktAddr: string | undefined, port: number | undefined, svc: string | undefined): Ocsf {
  const e: Ocsf = {};
  if (pktAddr !== undefined && addr !== undefined && pktAddr !== addr) {
    e.ip = pktAddr;
    e.intermediate_ips = [addr];
  } else {
    put(e, 'ip', pktAddr ?? addr);
  }
  put(e, 'port', port);
  put(e, 'svc_name', svc);
  return e;
}

/**
 * The interface, VPC, subnet and instance of the ENI that logged the flow go
 * on the destination for ingress and on the source for egress (AWS); with no
 * flow-direction (versions 2–4), on the source, as AWS's pipeline falls back.
 * NODATA/SKIPDATA rows name only the interface: both endpoints get it, so
 * each has one of the attributes its constraint asks for.
 */
function placeEni(r: Fields, src: Ocsf, dst: Ocsf): void {
  const target = str(r, 'flowDirection') === 'ingress' ? dst : src;
  put(target, 'interface_uid', str(r, 'interfaceId'));
  put(target, 'vpc_uid', str(r, 'vpcId'));
  put(target, 'subnet_uid', str(r, 'subNetId'));
  put(target, 'instance_uid', str(r, 'instanceId'));
  const eni = str(r, 'interfaceId');
  if (eni !== undefined) {
    if (Object.keys(src).length === 0) src.interface_uid = eni;
    if (Object.keys(dst).length === 0) dst.interface_uid = eni;
  }
}

function connectionInfo(r: Fields): Ocsf {
  const direction = str(r, 'flowDirection');
  const c: Ocsf = {
    direction_id: direction === 'ingress' ? 1 : direction === 'egress' ? 2 : 0,
    direction: direction === 'ingress' ? 'Inbound' : direction === 'egress' ? 'Outbound' : 'Unknown',
  };
  put(c, 'protocol_num', num(r, 'protocol'));
  put(c, 'tcp_flags', num(r, 'tcpFlags'));
  const type = str(r, 'trafficType');
  if (type !== undefined) {
    c.protocol_ver = type;
    c.protocol_ver_id = type === 'IPv4' ? 4 : type === 'IPv6' ? 6 : 99;
  }
  const path = num(r, 'trafficPath');
  const boundary = path === undefined ? undefined : BOUNDARY[path];
  if (boundary !== undefined) {
    c.boundary_id = boundary[0];
    c.boundary = boundary[1];
  } else if (path !== undefined) {
    c.boundary_id = 99;
    c.boundary = `traffic-path ${path}`;
  }
  return c;
}

function traffic(r: Fields): Ocsf | undefined {
  const t: Ocsf = {};
  put(t, 'packets', num(r, 'packets'));
  put(t, 'bytes', num(r, 'bytes'));
  return Object.keys(t).length > 0 ? t : undefined;
}

function map(r: Fields): { event: Ocsf; cls: typeof CLS } {
  const [activityId, actionId, action, dispositionId, disposition, statusId] = outcome(str(r, 'action'));
  const version = num(r, 'version');
  const event = baseEvent(r, {
    cls: CLS,
    activityId,
    severityId: 1,
    product: { name: 'Amazon VPC', feature: 'Flowlogs', ...(version !== undefined ? { version: String(version) } : {}) },
    cloud: {
      ...(str(r, 'region') !== undefined ? { region: str(r, 'region') } : {}),
      ...(str(r, 'azId') !== undefined ? { zone: str(r, 'azId') } : {}),
      ...(str(r, 'account') !== undefined ? { accountUid: str(r, 'account') } : {}),
    },
  });
  event.action_id = actionId;
  event.action = action;
  event.disposition_id = dispositionId;
  event.disposition = disposition;
  if (statusId !== 0) event.status_id = statusId;
  put(event, 'status_code', str(r, 'status'));
  putTime(event, 'start_time', str(r, 'start'));
  putTime(event, 'end_time', str(r, 'end'));
  const src = endpoint(str(r, 'srcAddr'), str(r, 'pktSrcAddr'), num(r, 'srcPort'), str(r, 'pktSrcAwsService'));
  const dst = endpoint(str(r, 'dstAddr'), str(r, 'pktDstAddr'), num(r, 'dstPort'), str(r, 'pktDstAwsService'));
  placeEni(r, src, dst);
  event.src_endpoint = src;
  event.dst_endpoint = dst;
  event.connection_info = connectionInfo(r);
  put(event, 'traffic', traffic(r));
  // account-id `unknown` has no place in cloud.account: it stays under unmapped.
  const account = str(r, 'account');
  const mapped = account !== undefined && !/^\d{12}$/.test(account) ? withoutAccount : MAPPED;
  return { event: finish(r, event, unmapped(r, mapped)), cls: CLS };
}

const withoutAccount = new Set([...MAPPED].filter((k) => k !== 'account'));

export const VPC_MAPPING: OcsfMapping = {
  classes: [CLS],
  rules: 'Network Activity (4001): ACCEPT → 6 Traffic (action Allowed), REJECT → 5 Refuse (action Denied), NODATA/SKIPDATA → 0 Unknown',
  map,
};
