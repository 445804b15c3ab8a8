// The OCSF 1.1.0 classes awslogs writes, with the profiles each event
// declares in metadata.profiles. scripts/build-ocsf-schemas.ts generates one
// schema per class (schemas/ocsf/<name>.json) with exactly these profiles, so
// what an event declares is what it is validated against (OCSF.md §2.7, A1).

export interface OcsfClass {
  /** The class file's `name` (events/…/<name>.json). */
  readonly name: string;
  readonly caption: string;
  /** category uid × 1000 + class uid. */
  readonly uid: number;
  readonly categoryUid: number;
  readonly categoryName: string;
  readonly profiles: readonly string[];
  /** activity_id → caption, from the class file (0 Unknown and 99 Other included). */
  readonly activities: Readonly<Record<number, string>>;
}

export const OCSF_VERSION = '1.1.0';

const BASE_PROFILES = ['cloud', 'datetime'] as const;

/** events/network/network_activity.json + includes/network/network_activities.json. */
const NETWORK_ACTIVITY: OcsfClass = {
  name: 'network_activity', caption: 'Network Activity', uid: 4001, categoryUid: 4, categoryName: 'Network Activity',
  profiles: [...BASE_PROFILES, 'security_control'],
  activities: { 0: 'Unknown', 1: 'Open', 2: 'Close', 3: 'Reset', 4: 'Fail', 5: 'Refuse', 6: 'Traffic', 99: 'Other' },
};

/** events/network/http.json. */
const HTTP_ACTIVITY: OcsfClass = {
  name: 'http_activity', caption: 'HTTP Activity', uid: 4002, categoryUid: 4, categoryName: 'Network Activity',
  profiles: [...BASE_PROFILES, 'load_balancer'],
  activities: { 0: 'Unknown', 1: 'Connect', 2: 'Delete', 3: 'Get', 4: 'Head', 5: 'Options', 6: 'Post', 7: 'Put', 8: 'Trace', 99: 'Other' },
};

/** events/application/api.json. */
const API_ACTIVITY: OcsfClass = {
  name: 'api_activity', caption: 'API Activity', uid: 6003, categoryUid: 6, categoryName: 'Application Activity',
  profiles: BASE_PROFILES,
  activities: { 0: 'Unknown', 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' },
};

/** events/application/datastore_activity.json. */
const DATASTORE_ACTIVITY: OcsfClass = {
  name: 'datastore_activity', caption: 'Datastore Activity', uid: 6005, categoryUid: 6, categoryName: 'Application Activity',
  profiles: BASE_PROFILES,
  activities: { 0: 'Unknown', 1: 'Read', 2: 'Update', 3: 'Connect', 4: 'Query', 5: 'Write', 6: 'Create', 7: 'Delete', 99: 'Other' },
};

/** events/iam/authentication.json. */
const AUTHENTICATION: OcsfClass = {
  name: 'authentication', caption: 'Authentication', uid: 3002, categoryUid: 3, categoryName: 'Identity & Access Management',
  profiles: BASE_PROFILES,
  activities: { 0: 'Unknown', 1: 'Logon', 2: 'Logoff', 3: 'Authentication Ticket', 4: 'Service Ticket Request', 5: 'Service Ticket Renew', 99: 'Other' },
};

/** events/iam/account_change.json. */
const ACCOUNT_CHANGE: OcsfClass = {
  name: 'account_change', caption: 'Account Change', uid: 3001, categoryUid: 3, categoryName: 'Identity & Access Management',
  profiles: BASE_PROFILES,
  activities: {
    0: 'Unknown', 1: 'Create', 2: 'Enable', 3: 'Password Change', 4: 'Password Reset', 5: 'Disable', 6: 'Delete',
    7: 'Attach Policy', 8: 'Detach Policy', 9: 'Lock', 10: 'MFA Factor Enable', 11: 'MFA Factor Disable', 99: 'Other',
  },
};

/** events/findings/detection_finding.json. */
const DETECTION_FINDING: OcsfClass = {
  name: 'detection_finding', caption: 'Detection Finding', uid: 2004, categoryUid: 2, categoryName: 'Findings',
  profiles: BASE_PROFILES,
  activities: { 0: 'Unknown', 1: 'Create', 2: 'Update', 3: 'Close', 99: 'Other' },
};

export const OCSF_CLASSES = {
  network_activity: NETWORK_ACTIVITY,
  http_activity: HTTP_ACTIVITY,
  api_activity: API_ACTIVITY,
  datastore_activity: DATASTORE_ACTIVITY,
  authentication: AUTHENTICATION,
  account_change: ACCOUNT_CHANGE,
  detection_finding: DETECTION_FINDING,
} as const;

export type OcsfClassName = keyof typeof OCSF_CLASSES;
