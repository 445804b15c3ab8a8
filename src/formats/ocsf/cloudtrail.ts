// AWS.CloudTrail → API Activity 6003, Authentication 3002 (sign-ins) and
// Account Change 3001 (IAM user and role changes). Class and activity rules
// and the attribute table: OCSF.md §7, after AWS's 1.1.0 CloudTrail
// mappings for Security Lake (ocsf/examples mappings/markdown/AWS/v1.1.0/
// CloudTrail *) and the class files events/application/api.json,
// events/iam/authentication.json, events/iam/account_change.json of
// ocsf-schema v1.1.0.
import { isIpAddress } from '../../core/indicators.js';
import { OCSF_CLASSES, type OcsfClass } from './classes.js';
import { HOSTNAME, awsAccount, baseEvent, finish, obj, put, rest, str, unmapped, type Fields, type Ocsf } from './common.js';
import type { OcsfMapping } from './index.js';

const API = OCSF_CLASSES.api_activity;
const AUTH = OCSF_CLASSES.authentication;
const CHANGE = OCSF_CLASSES.account_change;

/** Sign-in events (AWS's Authentication list; GetSessionToken from the issue, GetFederationToken our guess). */
const AUTH_EVENTS: ReadonlyMap<string, number> = new Map([
  ['ConsoleLogin', 1], ['ExternalIdPDirectoryLogin', 1], ['UserAuthentication', 1],
  ['AssumeRole', 1], ['AssumeRoleWithSAML', 1], ['AssumeRoleWithWebIdentity', 1],
  ['CheckMfa', 99], ['CredentialChallenge', 99], ['CredentialVerification', 99],
  ['GetSessionToken', 3], ['GetFederationToken', 3],
]);

/** IAM user, role and credential changes (AWS's Account Change list). */
const CHANGE_EVENTS: ReadonlySet<string> = new Set(`CreateUser UpdateUser DeleteUser CreateRole UpdateRole DeleteRole
  UpdateRoleDescription UpdateAssumeRolePolicy CreateAccessKey UpdateAccessKey DeleteAccessKey CreateLoginProfile
  UpdateLoginProfile DeleteLoginProfile ChangePassword PasswordUpdated CreateVirtualMFADevice DeleteVirtualMFADevice
  EnableMFADevice DeactivateMFADevice ResyncMFADevice AttachUserPolicy DetachUserPolicy PutUserPolicy DeleteUserPolicy
  AttachRolePolicy DetachRolePolicy PutRolePolicy DeleteRolePolicy AttachGroupPolicy DetachGroupPolicy PutGroupPolicy
  DeleteGroupPolicy AddUserToGroup RemoveUserFromGroup UpdateGroup DeleteGroup CreateInstanceProfile
  DeleteInstanceProfile AddRoleToInstanceProfile RemoveRoleFromInstanceProfile CreateServiceLinkedRole
  DeleteServiceLinkedRole PutUserPermissionsBoundary DeleteUserPermissionsBoundary PutRolePermissionsBoundary
  DeleteRolePermissionsBoundary DeletePolicy TagUser UntagUser TagRole UntagRole TagInstanceProfile
  UntagInstanceProfile CreateAccountAlias DeleteAccountAlias UpdateAccountPasswordPolicy DeleteAccountPasswordPolicy
  UpdateAccountName UpdateAccountEmailAddress EmailUpdated AccountNameUpdated RequestSmsMfaRegistration
  FinalizeSmsMfaRegistration`.split(/\s+/));

/** Account Change activity (AWS's rules, first match wins; MFA enable/disable take the schema's own activities). */
function changeActivity(name: string): number {
  if (name === 'EnableMFADevice') return 10;
  if (name === 'DeactivateMFADevice') return 11;
  if (name.includes('Create') || name === 'ResyncMFADevice') return 1;
  if (name === 'ChangePassword' || name === 'PasswordUpdated') return 3;
  if (name.includes('Attach') || name.includes('Put') || name === 'AddUserToGroup') return 7;
  if (name.includes('Detach') || name.includes('Remove')) return 8;
  if (/^Delete(Account|Service|SSH|Server|Sign)/.test(name)) return 99;
  if (name.includes('Delete')) return 6;
  return 99;
}

/** API Activity activity by substring of eventName, first match (AWS's rule: GetObject 2, PutObject 3). */
const API_ACTIVITY_WORDS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['Create', 'Run', 'Generate']],
  [2, ['Get', 'List', 'Describe', 'Search', 'Lookup']],
  [3, ['Update', 'Put', 'Modify', 'Add', 'Remove', 'Start', 'Stop', 'Attach', 'Detach', 'Associate', 'Disassociate', 'Tag', 'Untag', 'Enable', 'Disable', 'Register', 'Deregister']],
  [4, ['Delete', 'Terminate']],
];

function apiActivity(name: string): number {
  for (const [id, words] of API_ACTIVITY_WORDS) if (words.some((w) => name.includes(w))) return id;
  return 99;
}

function classOf(name: string): { cls: OcsfClass; activityId: number } {
  const auth = AUTH_EVENTS.get(name);
  if (auth !== undefined) return { cls: AUTH, activityId: auth };
  if (CHANGE_EVENTS.has(name)) return { cls: CHANGE, activityId: changeActivity(name) };
  return { cls: API, activityId: apiActivity(name) };
}

/** The top-level fields placed in every class (userIdentity partly: its other members go to unmapped). */
const MAPPED_ALWAYS = ['eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress',
  'userAgent', 'errorCode', 'errorMessage', 'requestID', 'eventID', 'eventType', 'apiVersion', 'recipientAccountId',
  'eventCategory', 'vpcEndpointId', 'userIdentity', 'responseElements'];

const USER_IDENTITY_PLACED = ['arn', 'principalId', 'userName', 'type', 'accountId', 'accessKeyId', 'invokedBy', 'identityProvider'];

/** The userIdentity members actorOf placed: the user's only when it made a user, accessKeyId only when not empty. */
function identityPlaced(id: Fields | undefined, actor: Ocsf): string[] {
  const placed = actor.user !== undefined ? USER_IDENTITY_PLACED : ['invokedBy', 'identityProvider'];
  return str(id, 'accessKeyId') === '' ? placed.filter((k) => k !== 'accessKeyId') : placed;
}

/** An RFC 3339 text → epoch ms, with the text as `_dt` when it has the datetime_t form. */
function putLooseTime(into: Ocsf, name: string, text: string | undefined): void {
  if (text === undefined) return;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return;
  into[name] = ms;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(text)) into[`${name}_dt`] = text;
}

/** The identity that made the call (userIdentity) as an OCSF user, or undefined when it names none. */
function identityUser(id: Fields | undefined, additional: Fields | undefined): Ocsf | undefined {
  const user: Ocsf = {};
  put(user, 'uid', str(id, 'arn'));
  put(user, 'uid_alt', str(id, 'principalId'));
  put(user, 'name', str(id, 'userName') ?? str(additional, 'UserName'));
  put(user, 'type', str(id, 'type'));
  put(user, 'account', awsAccount(str(id, 'accountId')));
  const key = str(id, 'accessKeyId');
  if (key !== undefined && key !== '') user.credential_uid = key;
  return user.uid !== undefined || user.name !== undefined || user.account !== undefined ? user : undefined;
}

function actorOf(r: Fields): Ocsf {
  const id = obj(r, 'userIdentity');
  const actor: Ocsf = {};
  put(actor, 'user', identityUser(id, obj(r, 'additionalEventData')));
  put(actor, 'invoked_by', str(id, 'invokedBy'));
  const context = obj(id, 'sessionContext');
  const attributes = obj(context, 'attributes');
  const session: Ocsf = {};
  put(session, 'issuer', str(obj(context, 'sessionIssuer'), 'arn'));
  putLooseTime(session, 'created_time', str(attributes, 'creationDate'));
  const mfa = str(attributes, 'mfaAuthenticated');
  if (mfa === 'true' || mfa === 'false') session.is_mfa = mfa === 'true';
  if (Object.keys(session).length > 0) actor.session = session;
  const idp = str(id, 'identityProvider') ?? str(obj(context, 'webIdFederationData'), 'federatedProvider');
  if (idp !== undefined) actor.idp = { name: idp };
  // Insight events have no identity: CloudTrail itself produced them.
  if (Object.keys(actor).length === 0) actor.invoked_by = 'cloudtrail.amazonaws.com';
  return actor;
}

/** sourceIPAddress: an IP, a service's host name (`ec2.amazonaws.com`), or a word (`AWS Internal`). */
function srcEndpoint(r: Fields): Ocsf {
  const e: Ocsf = {};
  const source = str(r, 'sourceIPAddress');
  if (source !== undefined) {
    if (isIpAddress(source)) e.ip = source;
    else if (HOSTNAME.test(source)) {
      e.hostname = source;
      if (source.endsWith('.amazonaws.com')) e.svc_name = source;
    } else e.name = source;
  }
  put(e, 'uid', str(r, 'vpcEndpointId'));
  if (Object.keys(e).length === 0) e.svc_name = 'cloudtrail.amazonaws.com';
  return e;
}

function apiOf(r: Fields, operation: string): { api: Ocsf; placedRequest: boolean } {
  const api: Ocsf = { operation };
  const source = str(r, 'eventSource') ?? str(obj(r, 'insightDetails'), 'eventSource');
  if (source !== undefined) api.service = { name: source };
  put(api, 'version', str(r, 'apiVersion'));
  const requestId = str(r, 'requestID');
  // request.uid is required inside `request`: without a requestID the parameters stay under unmapped.
  if (requestId !== undefined) {
    const request: Ocsf = { uid: requestId };
    // json_t: null (no parameters) is kept as written.
    if (r.requestParameters !== undefined) request.data = r.requestParameters;
    api.request = request;
  }
  const response: Ocsf = {};
  put(response, 'error', str(r, 'errorCode'));
  put(response, 'error_message', str(r, 'errorMessage'));
  if (r.responseElements !== undefined) response.data = r.responseElements;
  if (Object.keys(response).length > 0) api.response = response;
  return { api, placedRequest: requestId !== undefined };
}

/** `resources[]` → resource_details (API Activity only); undefined when one has no ARN (then they stay under unmapped). */
function resourcesOf(r: Fields): Ocsf[] | undefined {
  const list = r.resources;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: Ocsf[] = [];
  for (const item of list) {
    const res = typeof item === 'object' && item !== null ? (item as Fields) : undefined;
    const arn = str(res, 'ARN');
    if (arn === undefined) return undefined;
    const d: Ocsf = { uid: arn };
    put(d, 'type', str(res, 'type'));
    const owner = awsAccount(str(res, 'accountId'));
    if (owner !== undefined) d.owner = { account: owner };
    if (Object.keys(res!).some((k) => k !== 'ARN' && k !== 'type' && k !== 'accountId')) return undefined;
    out.push(d);
  }
  return out;
}

function status(event: Ocsf, r: Fields, failed: boolean | undefined): void {
  const error = str(r, 'errorCode');
  const failure = failed ?? error !== undefined;
  event.status_id = failure ? 2 : 1;
  event.status = failure ? 'Failure' : 'Success';
  put(event, 'status_code', error);
  put(event, 'status_detail', str(r, 'errorMessage'));
}

/** Authentication: the user signing in, the service, MFA, the outcome (ConsoleLogin's own Success/Failure). */
function authentication(event: Ocsf, r: Fields, name: string): boolean | undefined {
  const params = obj(r, 'requestParameters');
  const additional = obj(r, 'additionalEventData');
  let user: Ocsf | undefined;
  if (name.startsWith('AssumeRole')) {
    user = {};
    put(user, 'uid', str(params, 'roleArn'));
    put(user, 'name', str(params, 'roleSessionName'));
    if (Object.keys(user).length === 0) user = undefined;
  }
  user ??= identityUser(obj(r, 'userIdentity'), additional) ?? (awsAccount(str(r, 'recipientAccountId')) !== undefined ? { account: awsAccount(str(r, 'recipientAccountId')) } : undefined);
  put(event, 'user', user);
  const source = str(r, 'eventSource');
  if (source !== undefined) event.service = { name: source };
  const loginTo = str(additional, 'LoginTo');
  if (loginTo !== undefined) event.dst_endpoint = { svc_name: loginTo };
  const mfa = str(additional, 'MFAUsed');
  if (mfa === 'Yes' || mfa === 'No') event.is_mfa = mfa === 'Yes';
  if (name === 'AssumeRoleWithSAML') { event.auth_protocol_id = 5; event.auth_protocol = 'SAML'; }
  if (name === 'AssumeRoleWithWebIdentity') { event.auth_protocol_id = 4; event.auth_protocol = 'OpenID'; }
  const expiration = str(obj(obj(r, 'responseElements'), 'credentials'), 'expiration');
  if (expiration !== undefined) {
    const session: Ocsf = {};
    putLooseTime(session, 'expiration_time', expiration);
    if (Object.keys(session).length > 0) event.session = session;
  }
  const outcome = str(obj(r, 'responseElements'), 'ConsoleLogin');
  return outcome === 'Failure' ? true : outcome === 'Success' ? false : undefined;
}

/** Account Change: the account changed (user or role named in the request or response), and the policy. */
function accountChange(event: Ocsf, r: Fields): void {
  const params = obj(r, 'requestParameters');
  const response = obj(r, 'responseElements');
  const changed = obj(response, 'user') ?? obj(response, 'role');
  const user: Ocsf = {};
  put(user, 'name', str(params, 'userName') ?? str(params, 'roleName') ?? str(changed, 'userName') ?? str(changed, 'roleName'));
  put(user, 'uid', str(changed, 'arn'));
  put(user, 'uid_alt', str(changed, 'userId') ?? str(changed, 'roleId'));
  // No user named (ChangePassword, account-wide settings): the caller changed their own account.
  event.user = user.name !== undefined || user.uid !== undefined ? user
    : identityUser(obj(r, 'userIdentity'), undefined) ?? { account: awsAccount(str(r, 'recipientAccountId')) };
  const policy: Ocsf = {};
  put(policy, 'uid', str(params, 'policyArn'));
  put(policy, 'name', str(params, 'policyName'));
  if (Object.keys(policy).length > 0) event.policy = policy;
}

function map(r: Fields): { event: Ocsf; cls: OcsfClass } | string {
  // Insight events name the API they are about inside insightDetails; they are no call of it: activity 99 Insight.
  const insight = obj(r, 'insightDetails');
  const name = str(r, 'eventName') ?? str(insight, 'eventName');
  if (name === undefined) return 'the record has no eventName: api.operation, which every class here needs, cannot be filled';
  const { cls, activityId } = str(r, 'eventName') === undefined ? { cls: API, activityId: 99 } : classOf(name);
  const event = baseEvent(r, {
    cls,
    activityId,
    ...(activityId === 99 ? { activityName: str(r, 'eventName') === undefined ? 'Insight' : name } : {}),
    severityId: 1,
    product: {
      name: 'CloudTrail',
      ...(str(r, 'eventCategory') !== undefined ? { feature: str(r, 'eventCategory') } : {}),
      ...(str(r, 'eventVersion') !== undefined ? { version: str(r, 'eventVersion') } : {}),
    },
    metadata: {
      ...(str(r, 'eventID') !== undefined ? { uid: str(r, 'eventID') } : {}),
      ...(str(r, 'eventType') !== undefined ? { eventCode: str(r, 'eventType') } : {}),
    },
    cloud: {
      ...(str(r, 'awsRegion') !== undefined ? { region: str(r, 'awsRegion') } : {}),
      ...(str(r, 'recipientAccountId') !== undefined ? { accountUid: str(r, 'recipientAccountId') } : {}),
    },
  });
  const mapped = new Set(MAPPED_ALWAYS);
  let failed: boolean | undefined;
  if (cls === AUTH) failed = authentication(event, r, name);
  if (cls === CHANGE) accountChange(event, r);
  event.actor = actorOf(r);
  const { api, placedRequest } = apiOf(r, name);
  event.api = api;
  if (placedRequest) mapped.add('requestParameters');
  event.src_endpoint = srcEndpoint(r);
  const userAgent = str(r, 'userAgent');
  if (userAgent !== undefined) event.http_request = { user_agent: userAgent };
  if (cls === API) {
    const resources = resourcesOf(r);
    if (resources !== undefined) {
      event.resources = resources;
      mapped.add('resources');
    }
  }
  // An Insight reports a rate, not a call: it has no outcome.
  if (insight === undefined || str(r, 'eventName') !== undefined) status(event, r, failed);
  const identityRest = rest(obj(r, 'userIdentity'), identityPlaced(obj(r, 'userIdentity'), event.actor as Ocsf));
  return { event: finish(r, event, unmapped(r, mapped, identityRest !== undefined ? { userIdentity: identityRest } : undefined)), cls };
}

export const CLOUDTRAIL_MAPPING: OcsfMapping = {
  classes: [API, AUTH, CHANGE],
  rules: 'sign-ins (ConsoleLogin, AssumeRole*, GetSessionToken, …) → Authentication (3002); IAM user/role/credential changes (CreateUser, AttachUserPolicy, CreateAccessKey, …) → Account Change (3001); every other event → API Activity (6003), activity from the eventName verb',
  map,
};
