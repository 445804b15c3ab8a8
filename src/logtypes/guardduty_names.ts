// GuardDuty findings as `aws guardduty get-findings` prints them use the
// API's member names (`AccountId`, `Service.DetectorId`,
// `Resource.InstanceDetails.NetworkInterfaces[].PublicIp`), while the S3
// export and EventBridge write the names the API sends on the wire
// (`accountId`, `service.detectorId`, `…networkInterfaces[].publicIp`). The
// API reference lists the wire names:
// https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html
// and the types it links to. A finding in member names is written with the
// wire names, so one rule works on both.
//
// The wire name is the member name with its first letter lower-cased
// (`IpAddressV4` → `ipAddressV4`, `Ipv6Addresses` → `ipv6Addresses`,
// `S3BucketDetails` → `s3BucketDetails`, `ETag` → `eTag`, `Arn` → `arn`),
// except for the few members below; and the keys of the API's maps are data,
// kept as written. Each of those is identified by the member that holds it:
// in the Finding type tree, every one of these member names leads to the
// same type wherever it appears.
import { isJsonObject } from './json_event.js';
import type { Fields } from './types.js';

/**
 * Members whose wire name is not the member name with a lower-case first
 * letter, by the member under which their structure sits (for a list, the
 * member that holds the list).
 */
const RENAMED_MEMBERS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  // NetworkEndpoint.Location (NetworkGeoLocation): API_NetworkGeoLocation.html
  ['Location', new Map([['Latitude', 'lat'], ['Longitude', 'lon']])],
  // ResourceData.KubernetesWorkload: API_KubernetesWorkload.html
  ['KubernetesWorkload', new Map([['KubernetesResourcesTypes', 'type']])],
  // ResourceData.Ec2Instance: the wire name keeps its capital (API_Ec2Instance.html)
  ['Ec2Instance', new Map([['IamInstanceProfile', 'IamInstanceProfile']])],
  // InstanceDetails.ProductCodes and Ec2Instance.ProductCodes: API_ProductCode.html
  ['ProductCodes', new Map([['Code', 'productCodeId'], ['ProductType', 'productCodeType']])],
  // User.Account: API_Account.html
  ['Account', new Map([['Name', 'account']])],
  // Action.RdsLoginAttemptAction: the wire name keeps its capital (API_RdsLoginAttemptAction.html)
  ['RdsLoginAttemptAction', new Map([['LoginAttributes', 'LoginAttributes']])],
  // Action.KubernetesApiCallAction: API_KubernetesApiCallAction.html
  ['KubernetesApiCallAction', new Map([['SourceIps', 'sourceIPs']])],
  // EcsClusterDetails.TaskDetails (EcsTaskDetails): API_EcsTaskDetails.html
  ['TaskDetails', new Map([['TaskCreatedAt', 'createdAt']])],
]);

/**
 * Members whose value is a map (its keys are data, not member names), and
 * how many levels of maps are nested there before structures start again.
 */
const MAP_MEMBERS: ReadonlyMap<string, number> = new Map([
  // AwsApiCallAction.AffectedResources: string → string (API_AwsApiCallAction.html)
  ['AffectedResources', 1],
  // Anomaly.Profiles: string → string → list of AnomalyObject (API_Anomaly.html)
  ['Profiles', 2],
  // AnomalyUnusual.Behavior: string → string → AnomalyObject (API_AnomalyUnusual.html)
  ['Behavior', 2],
]);

/** `accountId` → `AccountId`: the member name of a wire name that follows the general rule. */
export function upperFirst(name: string): string {
  const c = name.charCodeAt(0);
  return c >= 97 && c <= 122 ? String.fromCharCode(c - 32) + name.slice(1) : name;
}

function lowerFirst(name: string): string {
  const c = name.charCodeAt(0);
  return c >= 65 && c <= 90 ? String.fromCharCode(c + 32) + name.slice(1) : name;
}

/**
 * Whether a finding is written in the API's member names (get-findings): it
 * has none of the required fields under their wire names, and at least one
 * under its member name. An S3-export finding has its required fields under
 * wire names, so it is never taken for one, whatever else it holds.
 */
export function usesMemberNames(finding: Fields, requiredWireNames: readonly string[]): boolean {
  let memberNames = false;
  for (const name of requiredWireNames) {
    if (Object.hasOwn(finding, name)) return false;
    if (!memberNames && Object.hasOwn(finding, upperFirst(name))) memberNames = true;
  }
  return memberNames;
}

/** A container still to be filled: its source, and what the keys inside it are. */
interface Pending {
  readonly source: Fields | unknown[];
  readonly target: Fields | unknown[];
  /** The member name the source sits under (for RENAMED_MEMBERS); '' under a data key. */
  readonly member: string;
  /** > 0: the source is a map, and its keys are data. */
  readonly mapLevels: number;
}

/** An own data property, even for `__proto__` (plain assignment would set the prototype). */
function setOwn(target: Fields, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * The wire name for a member key. Two keys never merge into one: when the
 * new name is also a key of the source as written, or was made from an
 * earlier key, this key is kept as written.
 */
function wireName(key: string, renames: ReadonlyMap<string, string> | undefined, source: Fields, target: Fields): string {
  const name = renames?.get(key) ?? lowerFirst(key);
  if (name === key || Object.hasOwn(source, name) || Object.hasOwn(target, name)) return key;
  return name;
}

/** A new empty container for an object or array (queued to be filled), or the value itself. */
function shell(value: unknown, member: string, mapLevels: number, work: Pending[]): unknown {
  if (Array.isArray(value)) {
    const target: unknown[] = [];
    work.push({ source: value, target, member, mapLevels });
    return target;
  }
  // An ExactNumber is a number (isJsonObject says no): kept as it is.
  if (isJsonObject(value)) {
    const target: Fields = {};
    work.push({ source: value, target, member, mapLevels });
    return target;
  }
  return value;
}

function fillObject(job: Pending, work: Pending[]): void {
  const source = job.source as Fields;
  const target = job.target as Fields;
  const inMap = job.mapLevels > 0;
  const renames = inMap ? undefined : RENAMED_MEMBERS.get(job.member);
  for (const key of Object.keys(source)) {
    const name = inMap ? key : wireName(key, renames, source, target);
    const childLevels = inMap ? job.mapLevels - 1 : (MAP_MEMBERS.get(key) ?? 0);
    setOwn(target, name, shell(source[key], inMap ? '' : key, childLevels, work));
  }
}

/**
 * A copy of a finding in the API's member names, with the wire names the
 * S3 export uses (`AccountId` → `accountId`, `Service.DetectorId` →
 * `service.detectorId`, `Tags[].Key` → `tags[].key`), in the same key order.
 * The keys of the API's maps (`AffectedResources`, anomaly `Profiles` and
 * `Behavior`) and every value are kept as written. Iterative: no input
 * depth can overflow the call stack; `__proto__` stays an ordinary key.
 */
export function toWireNames(finding: Fields): Fields {
  const root: Fields = {};
  const work: Pending[] = [{ source: finding, target: root, member: '', mapLevels: 0 }];
  for (let job = work.pop(); job !== undefined; job = work.pop()) {
    if (Array.isArray(job.source)) {
      const target = job.target as unknown[];
      // A list's items sit under the member that holds the list.
      for (const item of job.source) target.push(shell(item, job.member, job.mapLevels, work));
    } else {
      fillObject(job, work);
    }
  }
  return root;
}
