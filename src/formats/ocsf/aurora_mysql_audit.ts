// AWS.AuroraMySQLAudit → Authentication 3002 (CONNECT, DISCONNECT,
// FAILED_CONNECT, CHANGEUSER) and Datastore Activity 6005 (QUERY, READ,
// WRITE and the rest): OCSF.md §7, with events/iam/authentication.json and
// events/application/datastore_activity.json of ocsf-schema v1.1.0.
import { isIpAddress } from '../../core/indicators.js';
import { OCSF_CLASSES, type OcsfClass } from './classes.js';
import { HOSTNAME, baseEvent, finish, num, str, unmapped, type Fields, type Ocsf } from './common.js';
import type { OcsfMapping } from './index.js';

const AUTH = OCSF_CLASSES.authentication;
const STORE = OCSF_CLASSES.datastore_activity;

const AUTH_ACTIVITY: Readonly<Record<string, number>> = { CONNECT: 1, FAILED_CONNECT: 1, CHANGEUSER: 1, DISCONNECT: 2 };
const STORE_ACTIVITY: Readonly<Record<string, number>> = {
  QUERY: 4, QUERY_DDL: 4, QUERY_DML: 4, QUERY_DCL: 4, QUERY_DML_NO_SELECT: 4,
  READ: 1, WRITE: 5, CREATE: 6, DROP: 7, ALTER: 2, RENAME: 2,
};

/** `host` as written (`192.0.2.44`, `192.0.2.44:53422`, `[2001:db8::44]:53423`, `db-client.example.com:5432`, `localhost`). */
function hostEndpoint(host: string): Ocsf {
  let name = host;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(host);
  const withPort = /^([^:]+):(\d+|unavailable)$/.exec(host);
  if (bracketed !== null) [name, port] = [bracketed[1]!, Number(bracketed[2])];
  else if (withPort !== null && !isIpAddress(host)) [name, port] = [withPort[1]!, withPort[2] === 'unavailable' ? undefined : Number(withPort[2])];
  const e: Ocsf = isIpAddress(name) ? { ip: name } : HOSTNAME.test(name) ? { hostname: name } : { name };
  if (port !== undefined && port <= 65535) e.port = port;
  return e;
}

function status(event: Ocsf, r: Fields, failed: boolean): void {
  const code = num(r, 'retCode');
  const failure = failed || (code !== undefined && code !== 0);
  if (code !== undefined || failed) {
    event.status_id = failure ? 2 : 1;
    event.status = failure ? 'Failure' : 'Success';
  }
  if (code !== undefined) event.status_code = String(code);
}

function authentication(event: Ocsf, r: Fields, op: string): string[] {
  event.user = { name: str(r, 'username') ?? '' };
  event.service = { name: 'Aurora MySQL' };
  const server = str(r, 'serverHost');
  if (server !== undefined) event.dst_endpoint = { name: server };
  const host = str(r, 'host');
  if (host !== undefined) event.src_endpoint = hostEndpoint(host);
  const connection = num(r, 'connectionId');
  if (connection !== undefined) event.session = { uid: String(connection) };
  status(event, r, op === 'FAILED_CONNECT');
  return ['username', 'serverHost', 'host', 'connectionId', 'retCode'];
}

function datastore(event: Ocsf, r: Fields, op: string): string[] {
  const placed = ['username', 'serverHost', 'host', 'connectionId', 'retCode', 'database', 'object'];
  const actor: Ocsf = {};
  const user = str(r, 'username');
  if (user !== undefined) actor.user = { name: user };
  const connection = num(r, 'connectionId');
  if (connection !== undefined) actor.session = { uid: String(connection) };
  event.actor = actor;
  const host = str(r, 'host');
  if (host !== undefined) event.src_endpoint = hostEndpoint(host);
  const server = str(r, 'serverHost');
  if (server !== undefined) event.dst_endpoint = { name: server };
  const database = str(r, 'database');
  const object = str(r, 'object');
  if (database !== undefined && database !== '') event.database = { name: database, type_id: 1, type: 'MySQL' };
  if (op.startsWith('QUERY')) {
    event.type_id = 1;
    event.type = 'Database';
    const query: Ocsf = { query_string: object ?? '' };
    const id = num(r, 'queryId');
    if (id !== undefined) {
      query.uid = String(id);
      placed.push('queryId');
    } else query.name = op;
    event.query_info = query;
  } else if (object !== undefined && object !== '') {
    event.type_id = 3;
    event.type = 'Table';
    event.table = { name: object };
  } else {
    event.type_id = 1;
    event.type = 'Database';
  }
  // A query before USE names no database or table: the server is the datastore (database, table or databucket is required).
  if (event.database === undefined && event.table === undefined) {
    event.database = server !== undefined ? { uid: server, type_id: 1, type: 'MySQL' } : { name: '', type_id: 1, type: 'MySQL' };
  }
  if (database === '' ) placed.splice(placed.indexOf('database'), 1);
  if (object === '' && !op.startsWith('QUERY')) placed.splice(placed.indexOf('object'), 1);
  status(event, r, false);
  return placed;
}

function map(r: Fields): { event: Ocsf; cls: OcsfClass } | string {
  const op = str(r, 'operation');
  if (op === undefined) return 'the record has no operation';
  const authId = AUTH_ACTIVITY[op];
  const cls = authId !== undefined ? AUTH : STORE;
  const activityId = authId ?? STORE_ACTIVITY[op] ?? 99;
  const event = baseEvent(r, {
    cls,
    activityId,
    ...(activityId === 99 ? { activityName: op } : {}),
    severityId: 1,
    product: { name: 'Amazon Aurora', feature: 'MySQL Advanced Auditing' },
    metadata: { eventCode: op },
  });
  const placed = cls === AUTH ? authentication(event, r, op) : datastore(event, r, op);
  return { event: finish(r, event, unmapped(r, new Set(['timestamp', 'operation', ...placed]))), cls };
}

export const AURORA_MAPPING: OcsfMapping = {
  classes: [AUTH, STORE],
  rules: 'CONNECT, FAILED_CONNECT (status Failure), CHANGEUSER → Authentication (3002) 1 Logon; DISCONNECT → 2 Logoff; every other operation → Datastore Activity (6005): QUERY* → 4 Query, READ → 1 Read, WRITE → 5 Write, CREATE → 6 Create, DROP → 7 Delete, ALTER/RENAME → 2 Update, else 99 Other',
  map,
};
