// AWS.CloudTrail as a trail file: one `{"Records":[…]}` document on one
// line, as CloudTrail delivers it, however large (the --big check writes
// 1 GB this way, streamed). Events vary like a real account's: S3 data
// events, STS, KMS, EC2 (RunInstances with large nested responseElements),
// IAM (a policy document as an escaped JSON string), console sign-ins, SSM,
// service events, access-denied errors, Insight events without a
// userIdentity, non-ASCII keys, `AWS Internal`, service and IPv6 sources.
import { Weighted, type Rng } from '../prng.js';
import {
  BROWSER_AGENTS, Clock, REGIONS, accountId, awsKeyId, instanceId, ipv6, isoSeconds, pool, privateIPv4, publicIPv4, uuid, wantMore,
  type Amount, type Generated, type LogGenerator, type TextSink,
} from './common.js';

type Obj = Record<string, unknown>;

interface Account {
  id: string;
  users: string[];
  roles: string[];
  buckets: string[];
  keys: string[];
  instances: string[];
}

interface Context {
  rng: Rng;
  ms: number;
  region: string;
  account: Account;
}

const SDK_AGENTS = [
  'aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe prompt/off command/ec2.describe-instances',
  'Boto3/1.34.131 md/Botocore#1.34.131 ua/2.0 os/linux#5.10.219-208.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython exec-env/AWS_Lambda_python3.11 cfg/retry-mode#legacy Botocore/1.34.131',
  'aws-sdk-go-v2/1.30.0 os/linux lang/go#1.22.4 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.165.0',
  'aws-sdk-java/2.25.60 Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard',
  'Terraform/1.8.5 (+https://www.terraform.io) terraform-provider-aws/5.54.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.0',
] as const;

function makeAccount(rng: Rng): Account {
  const id = accountId(rng);
  return {
    id,
    users: ['alice', 'bob', 'ci-deployer', 'backup-bot', 'renée.dupont'],
    roles: ['AWSReservedSSO_AdministratorAccess_0123abcd4567ef89', 'etl-job', 'lambda-thumbnailer', 'ecsTaskExecutionRole', 'AmazonSSMRoleForInstancesQuickSetup'],
    buckets: [`app-assets-${id}`, `data-lake-${id}`, `cloudtrail-${id}`],
    keys: pool(rng, 4, (r) => `arn:aws:kms:${r.pick(REGIONS)}:${id}:key/${uuid(r)}`),
    instances: pool(rng, 50, instanceId),
  };
}

function iamUser(c: Context, name: string): Obj {
  const { rng, account } = c;
  return {
    type: 'IAMUser',
    principalId: awsKeyId(rng, 'AIDA'),
    arn: `arn:aws:iam::${account.id}:user/${name}`,
    accountId: account.id,
    accessKeyId: awsKeyId(rng, 'AKIA'),
    userName: name,
  };
}

function assumedRole(c: Context, role: string, session: string): Obj {
  const { rng, account } = c;
  const roleId = awsKeyId(rng, 'AROA');
  const identity: Obj = {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${account.id}:assumed-role/${role}/${session}`,
    accountId: account.id,
    accessKeyId: awsKeyId(rng, 'ASIA'),
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${account.id}:role/${role}`, accountId: account.id, userName: role },
      webIdFederationData: {},
      attributes: { creationDate: isoSeconds(c.ms - rng.range(60_000, 3_600_000)), mfaAuthenticated: rng.chance(0.2) ? 'true' : 'false' },
    },
  };
  if (rng.chance(0.05)) identity.invokedBy = 'servicecatalog.amazonaws.com';
  return identity;
}

function someIdentity(c: Context): Obj {
  const { rng, account } = c;
  const x = rng.float();
  if (x < 0.25) return iamUser(c, rng.pick(account.users));
  if (x < 0.97) return assumedRole(c, rng.pick(account.roles), rng.chance(0.5) ? rng.pick(account.instances) : `botocore-session-${rng.range(1_700_000_000, 1_719_999_999)}`);
  return { type: 'Root', principalId: account.id, arn: `arn:aws:iam::${account.id}:root`, accountId: account.id, accessKeyId: '' };
}

function sourceIp(c: Context): string {
  const x = c.rng.float();
  if (x < 0.6) return publicIPv4(c.rng);
  if (x < 0.65) return ipv6(c.rng);
  if (x < 0.8) return privateIPv4(c.rng);
  if (x < 0.9) return 'AWS Internal';
  return c.rng.pick(['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'cloudformation.amazonaws.com', 'autoscaling.amazonaws.com']);
}

function tlsDetails(c: Context, host: string): Obj {
  return c.rng.chance(0.7)
    ? { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host }
    : { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: host };
}

/** The fields every API call has, in the order CloudTrail writes them. */
function apiCall(c: Context, source: string, name: string, identity: Obj, request: unknown, response: unknown, extra: Obj, mayBeDenied = true): Obj {
  const { rng } = c;
  const ip = sourceIp(c);
  const fromService = ip.endsWith('.amazonaws.com') || ip === 'AWS Internal';
  const event: Obj = {
    eventVersion: rng.pick(['1.08', '1.09', '1.10']),
    userIdentity: identity,
    eventTime: isoSeconds(c.ms),
    eventSource: source,
    eventName: name,
    awsRegion: c.region,
    sourceIPAddress: ip,
    userAgent: fromService ? ip : rng.chance(0.1) ? rng.pick(BROWSER_AGENTS) : rng.pick(SDK_AGENTS),
    requestParameters: request,
    responseElements: response,
    requestID: uuid(rng),
    eventID: uuid(rng),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: c.account.id,
    eventCategory: 'Management',
  };
  Object.assign(event, extra);
  if (!fromService) event.tlsDetails = tlsDetails(c, `${source.split('.')[0]}.${c.region}.amazonaws.com`);
  if (mayBeDenied && rng.chance(0.04)) {
    // Denied: the message quotes the resource, so the JSON has escaped quotes.
    event.errorCode = 'AccessDenied';
    event.errorMessage = `User: ${String(identity.arn ?? 'unknown')} is not authorized to perform: ${source.split('.')[0]}:${name} on resource: "arn:aws:${source.split('.')[0]}:${c.region}:${c.account.id}:*" because no identity-based policy allows the ${source.split('.')[0]}:${name} action`;
    event.responseElements = null;
  }
  if (rng.chance(0.03)) event.sessionCredentialFromConsole = 'true';
  if (rng.chance(0.05)) event.vpcEndpointId = 'vpce-' + rng.hex(17);
  return event;
}

type Builder = (c: Context) => Obj;

const s3Object: Builder = (c) => {
  const { rng, account } = c;
  const bucket = rng.pick(account.buckets);
  const put = rng.chance(0.25);
  const key = rng.chance(0.02)
    ? `uploads/${rng.hex(8)}/résumé – 履歴書 ${rng.range(1, 99)}.pdf`
    : `raw/2024/06/${String(rng.range(1, 30)).padStart(2, '0')}/events-${String(rng.range(0, 99999)).padStart(6, '0')}.json.gz`;
  const host = `${bucket}.s3.${c.region}.amazonaws.com`;
  const bytes = rng.logUniform(30_000_000);
  return apiCall(c, 's3.amazonaws.com', put ? 'PutObject' : 'GetObject', someIdentity(c),
    { bucketName: bucket, Host: host, key, ...(put ? { 'x-amz-server-side-encryption': 'aws:kms' } : {}) },
    put ? { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': rng.pick(account.keys) } : null,
    {
      requestID: rng.hex(16).toUpperCase(),
      readOnly: !put,
      additionalEventData: {
        SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: put ? bytes : 0,
        AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': rng.hex(60), bytesTransferredOut: put ? 0 : bytes,
      },
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
        { accountId: account.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
      ],
      managementEvent: false,
      eventCategory: 'Data',
    });
};

const assumeRole: Builder = (c) => {
  const { rng, account } = c;
  const role = rng.pick(account.roles);
  const session = rng.chance(0.5) ? rng.pick(account.instances) : `session-${rng.hex(8)}`;
  const roleArn = `arn:aws:iam::${account.id}:role/${role}`;
  const caller: Obj = rng.chance(0.6) ? { type: 'AWSService', invokedBy: rng.pick(['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com']) } : someIdentity(c);
  return apiCall(c, 'sts.amazonaws.com', 'AssumeRole', caller,
    { roleArn, roleSessionName: session, durationSeconds: 3600 },
    {
      credentials: { accessKeyId: awsKeyId(rng, 'ASIA'), sessionToken: rng.hex(180), expiration: 'Jun 20, 2024, 5:13:20 PM' },
      assumedRoleUser: { assumedRoleId: `${awsKeyId(rng, 'AROA')}:${session}`, arn: `arn:aws:sts::${account.id}:assumed-role/${role}/${session}` },
    },
    { readOnly: true, resources: [{ accountId: account.id, type: 'AWS::IAM::Role', ARN: roleArn }], sharedEventID: uuid(rng) });
};

const kms: Builder = (c) => {
  const { rng, account } = c;
  const key = rng.pick(account.keys);
  const decrypt = rng.chance(0.6);
  const context: Obj = rng.chance(0.5)
    ? { 'aws:lambda:FunctionArn': `arn:aws:lambda:${c.region}:${account.id}:function:thumbnailer` }
    : { 'aws:s3:arn': `arn:aws:s3:::${rng.pick(account.buckets)}/raw/2024/06/20/part-${rng.hex(6)}.parquet` };
  return apiCall(c, 'kms.amazonaws.com', decrypt ? 'Decrypt' : 'GenerateDataKey',
    rng.chance(0.5) ? { type: 'AWSService', invokedBy: 's3.amazonaws.com' } : someIdentity(c),
    decrypt ? { encryptionContext: context, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' } : { keyId: key, encryptionContext: context, keySpec: 'AES_256' },
    null,
    { readOnly: true, resources: [{ accountId: account.id, type: 'AWS::KMS::Key', ARN: key }], sharedEventID: uuid(rng) });
};

const describeInstances: Builder = (c) => {
  const { rng, account } = c;
  const ids = pool(rng, rng.range(0, 3), () => rng.pick(account.instances));
  return apiCall(c, 'ec2.amazonaws.com', rng.pick(['DescribeInstances', 'DescribeInstanceStatus', 'DescribeSecurityGroups']), someIdentity(c),
    { instancesSet: ids.length > 0 ? { items: ids.map((instanceId) => ({ instanceId })) } : {}, filterSet: {}, maxResults: 1000 },
    null, { readOnly: true });
};

const runInstances: Builder = (c) => {
  const { rng, account } = c;
  const count = rng.range(1, 3);
  const items = pool(rng, count, (r, i) => {
    const ip = privateIPv4(r);
    const eni = 'eni-' + r.hex(17);
    return {
      instanceId: instanceId(r), imageId: 'ami-' + r.hex(17), instanceState: { code: 0, name: 'pending' },
      privateDnsName: `ip-${ip.replace(/\./g, '-')}.${c.region}.compute.internal`, amiLaunchIndex: i, productCodes: { items: [] },
      instanceType: r.pick(['t3.micro', 'm6i.large', 'c7g.xlarge']), launchTime: Math.floor(c.ms),
      placement: { availabilityZone: `${c.region}a`, tenancy: 'default' }, monitoring: { state: 'disabled' },
      subnetId: 'subnet-' + r.hex(17), vpcId: 'vpc-' + r.hex(17), privateIpAddress: ip, stateReason: { code: 'pending', message: 'pending' },
      architecture: 'x86_64', rootDeviceType: 'ebs', rootDeviceName: '/dev/xvda', blockDeviceMapping: {},
      groupSet: { items: [{ groupId: 'sg-' + r.hex(17), groupName: 'web' }] },
      networkInterfaceSet: { items: [{
        networkInterfaceId: eni, subnetId: 'subnet-' + r.hex(17), vpcId: 'vpc-' + r.hex(17), ownerId: account.id, status: 'in-use',
        macAddress: '0a:' + pool(r, 5, (rr) => rr.hex(2)).join(':'), privateIpAddress: ip, privateDnsName: `ip-${ip.replace(/\./g, '-')}.${c.region}.compute.internal`,
        sourceDestCheck: true, interfaceType: 'interface', groupSet: { items: [{ groupId: 'sg-' + r.hex(17), groupName: 'web' }] },
        attachment: { attachmentId: 'eni-attach-' + r.hex(17), deviceIndex: 0, networkCardIndex: 0, status: 'attaching', attachTime: Math.floor(c.ms), deleteOnTermination: true },
        privateIpAddressesSet: { item: [{ privateIpAddress: ip, privateDnsName: `ip-${ip.replace(/\./g, '-')}.${c.region}.compute.internal`, primary: true }] },
        ipv6AddressesSet: r.chance(0.3) ? { items: [{ ipv6Address: ipv6(r) }] } : {}, tagSet: {},
      }] },
      ebsOptimized: false, enaSupport: true, cpuOptions: { coreCount: 1, threadsPerCore: 2 },
      tagSet: { items: [{ key: 'Name', value: `web-${r.range(1, 99)}` }, { key: 'team', value: 'platform' }] },
      capacityReservationSpecification: { capacityReservationPreference: 'open' },
      metadataOptions: { state: 'pending', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
    };
  });
  return apiCall(c, 'ec2.amazonaws.com', 'RunInstances', someIdentity(c),
    {
      instancesSet: { items: [{ imageId: items[0]!.imageId, minCount: count, maxCount: count }] },
      instanceType: items[0]!.instanceType, blockDeviceMapping: {}, monitoring: { enabled: false }, disableApiTermination: false,
      disableApiStop: false, clientToken: uuid(rng),
      tagSpecificationSet: { items: [{ resourceType: 'instance', tags: [{ key: 'Name', value: 'web' }, { key: 'team', value: 'platform' }] }] },
      launchTemplate: { launchTemplateId: 'lt-' + rng.hex(17), version: '$Latest' },
    },
    { requestId: uuid(rng), reservationId: 'r-' + rng.hex(17), ownerId: account.id, groupSet: {}, instancesSet: { items }, requesterId: '940372691376' },
    {});
};

const iamChange: Builder = (c) => {
  const { rng, account } = c;
  const name = `${rng.pick(['read-only', 'etl', 'deploy'])}-${rng.hex(4)}`;
  const bucket = rng.pick(account.buckets);
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } }],
  }, null, 2);
  if (rng.chance(0.5)) {
    const arn = `arn:aws:iam::${account.id}:policy/${name}`;
    return apiCall(c, 'iam.amazonaws.com', 'CreatePolicy', someIdentity(c),
      { policyName: name, policyDocument: policy, description: 'Read the "data" bucket' },
      { policy: { policyName: name, policyId: awsKeyId(rng, 'ANPA'), arn, path: '/', defaultVersionId: 'v1', attachmentCount: 0, permissionsBoundaryUsageCount: 0, isAttachable: true, createDate: `Jun 20, 2024, 4:${String(rng.range(10, 59))}:00 PM`, updateDate: 'Jun 20, 2024, 4:13:20 PM' } },
      { awsRegion: 'us-east-1' });
  }
  const user = rng.pick(account.users);
  return apiCall(c, 'iam.amazonaws.com', 'AttachUserPolicy', someIdentity(c),
    { userName: user, policyArn: rng.chance(0.5) ? 'arn:aws:iam::aws:policy/AdministratorAccess' : `arn:aws:iam::${account.id}:policy/${name}` },
    null, { awsRegion: 'us-east-1' });
};

const consoleLogin: Builder = (c) => {
  const { rng, account } = c;
  const ok = rng.chance(0.9);
  const user = rng.pick(account.users);
  const event = apiCall(c, 'signin.amazonaws.com', 'ConsoleLogin',
    { type: 'IAMUser', principalId: awsKeyId(rng, 'AIDA'), arn: `arn:aws:iam::${account.id}:user/${user}`, accountId: account.id, userName: user },
    null,
    { ConsoleLogin: ok ? 'Success' : 'Failure' },
    {
      userAgent: rng.pick(BROWSER_AGENTS),
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAUsed: rng.chance(0.8) ? 'Yes' : 'No' },
      eventType: 'AwsConsoleSignIn',
      awsRegion: 'us-east-1',
      sourceIPAddress: publicIPv4(rng),
    },
    false);
  if (!ok) event.errorMessage = 'Failed authentication';
  return event;
};

const ssm: Builder = (c) => {
  const { rng, account } = c;
  const instance = rng.pick(account.instances);
  return apiCall(c, 'ssm.amazonaws.com', 'UpdateInstanceInformation', assumedRole(c, 'AmazonSSMRoleForInstancesQuickSetup', instance),
    { instanceId: instance, agentVersion: '3.3.484.0', agentStatus: 'Active', platformType: 'Linux', platformName: 'Amazon Linux', platformVersion: '2023', iPAddress: privateIPv4(rng), computerName: `ip-10-0-${rng.int(256)}-${rng.int(256)}.ec2.internal`, agentName: 'amazon-ssm-agent', availabilityZone: `${c.region}b`, availabilityZoneId: 'use1-az4', sSMConnectionChannel: 'ssmmessages' },
    null, {});
};

const logs: Builder = (c) => {
  const { rng } = c;
  return apiCall(c, 'logs.amazonaws.com', rng.pick(['CreateLogStream', 'DescribeLogStreams']), someIdentity(c),
    { logGroupName: `/aws/lambda/${rng.pick(['thumbnailer', 'etl-loader', 'api'])}`, logStreamName: `2024/06/20/[$LATEST]${rng.hex(32)}` },
    null, {});
};

/** Events AWS itself records (no caller): a key rotation. */
const serviceEvent: Builder = (c) => {
  const { rng, account } = c;
  const key = rng.pick(account.keys);
  return {
    eventVersion: '1.08',
    userIdentity: { accountId: account.id, invokedBy: 'AWS Internal' },
    eventTime: isoSeconds(c.ms),
    eventSource: 'kms.amazonaws.com',
    eventName: 'RotateKey',
    awsRegion: c.region,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: uuid(rng),
    readOnly: false,
    resources: [{ accountId: account.id, type: 'AWS::KMS::Key', ARN: key }],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: account.id,
    serviceEventDetails: { keyId: key.split('/')[1], rotationType: 'AUTOMATIC' },
    eventCategory: 'Management',
  };
};

/** Insight events have no userIdentity, eventSource or eventName at the top. */
const insight: Builder = (c) => {
  const { rng, account } = c;
  return {
    eventVersion: '1.08',
    eventTime: isoSeconds(c.ms),
    awsRegion: c.region,
    eventID: uuid(rng),
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: account.id,
    sharedEventID: uuid(rng),
    insightDetails: {
      state: rng.pick(['Start', 'End']),
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      insightType: 'ApiCallRateInsight',
      insightContext: {
        statistics: { baseline: { average: 0.0417 }, insight: { average: rng.range(3, 40) }, insightDuration: rng.range(1, 30) },
        attributions: [{ attribute: 'userIdentityArn', insight: [{ value: `arn:aws:sts::${account.id}:assumed-role/ci-deployer/session`, average: 5 }], baseline: [] }],
      },
    },
    eventCategory: 'Insight',
  };
};

const BUILDERS = new Weighted<Builder>([
  [s3Object, 30], [assumeRole, 14], [kms, 16], [describeInstances, 12], [runInstances, 2], [iamChange, 2],
  [consoleLogin, 1], [ssm, 10], [logs, 8], [serviceEvent, 1], [insight, 0.2],
]);

export const cloudTrailGenerator: LogGenerator = {
  type: 'AWS.CloudTrail',
  extension: 'json',
  defaultAmount: { bytes: 150_000_000 },

  generate(rng: Rng, sink: TextSink, amount: Amount): Generated {
    const accounts = pool(rng, 2, makeAccount);
    const clock = new Clock(30);
    let events = 0;
    sink.write('{"Records":[');
    while (wantMore(amount, events, sink)) {
      const account = rng.pick(accounts);
      const c: Context = { rng, ms: clock.tick(rng), region: rng.chance(0.7) ? 'us-east-1' : rng.pick(REGIONS), account };
      sink.write((events === 0 ? '' : ',') + JSON.stringify(BUILDERS.pick(rng)(c)));
      events++;
    }
    sink.write(']}\n');
    return { events, skipped: 0 };
  },
};
