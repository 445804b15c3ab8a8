// AWS.GuardDuty findings, one per line (the S3 export). Resources are EC2
// instances (network interfaces, IPv6, tags), access keys and S3 buckets;
// actions are network connections, port probes, DNS requests and API calls.
// A few findings come in an EventBridge envelope, and a very few are
// pretty-printed over many lines (a finding saved from the console).
import { Weighted, type Rng } from '../prng.js';
import {
  Clock, REGIONS, accountId, awsKeyId, instanceId, ipv6, isoMillis, pool, privateIPv4, publicIPv4, uuid, wantMore,
  type Amount, type Generated, type LogGenerator, type TextSink,
} from './common.js';

type Obj = Record<string, unknown>;

interface Context {
  rng: Rng;
  ms: number;
  account: string;
  region: string;
  detector: string;
  /** Instance ids shared by all findings: GuardDuty reports the same hosts again and again. */
  instances: readonly string[];
}

const ORGS = [
  { asn: '16276', asnOrg: 'OVH SAS', isp: 'OVH SAS', org: 'OVH SAS', country: 'France', city: 'Roubaix', lat: 50.6974, lon: 3.178 },
  { asn: '14061', asnOrg: 'DIGITALOCEAN-ASN', isp: 'DigitalOcean', org: 'DigitalOcean, LLC', country: 'United States', city: 'North Bergen', lat: 40.7939, lon: -74.0258 },
  { asn: '4134', asnOrg: 'Chinanet', isp: 'China Telecom', org: 'China Telecom', country: 'China', city: 'Shanghai', lat: 31.2222, lon: 121.4581 },
  { asn: '208091', asnOrg: 'XHOST INTERNET SOLUTIONS LP', isp: 'Xhost', org: 'Xhost', country: 'United Kingdom', city: 'London', lat: 51.5088, lon: -0.126 },
] as const;

function remoteIp(c: Context): Obj {
  const org = c.rng.pick(ORGS);
  return {
    ipAddressV4: publicIPv4(c.rng),
    organization: { asn: org.asn, asnOrg: org.asnOrg, isp: org.isp, org: org.org },
    country: { countryName: org.country },
    city: { cityName: org.city },
    geoLocation: { lat: org.lat, lon: org.lon },
  };
}

function instanceResource(c: Context, id: string): Obj {
  const { rng } = c;
  const ip = privateIPv4(rng);
  const publicIp = publicIPv4(rng);
  const dns = `ip-${ip.replace(/\./g, '-')}.ec2.internal`;
  return {
    resourceType: 'Instance',
    instanceDetails: {
      instanceId: id,
      instanceType: rng.pick(['t3.micro', 'm6i.large', 'c7g.xlarge']),
      outpostArn: null,
      launchTime: isoMillis(c.ms - rng.range(3_600_000, 90 * 86_400_000)).slice(0, 19) + 'Z',
      platform: null,
      productCodes: [],
      iamInstanceProfile: { arn: `arn:aws:iam::${c.account}:instance-profile/${rng.pick(['EC2Dev', 'web-role', 'batch'])}`, id: awsKeyId(rng, 'AIPA') },
      networkInterfaces: [{
        ipv6Addresses: rng.chance(0.2) ? [ipv6(rng)] : [],
        networkInterfaceId: 'eni-' + rng.hex(17),
        privateDnsName: dns,
        privateIpAddress: ip,
        privateIpAddresses: [{ privateDnsName: dns, privateIpAddress: ip }],
        publicDnsName: `ec2-${publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com`,
        publicIp,
        securityGroups: [{ groupId: 'sg-' + rng.hex(17), groupName: 'launch-wizard-3' }],
        subnetId: 'subnet-' + rng.hex(17),
        vpcId: 'vpc-' + rng.hex(17),
      }],
      tags: [{ key: 'Name', value: `web-${rng.range(1, 99)}` }, { key: 'env', value: rng.pick(['prod', 'staging']) }],
      instanceState: 'running',
      availabilityZone: `${c.region}b`,
      imageId: 'ami-' + rng.hex(17),
      imageDescription: 'Amazon Linux 2023 AMI 2023.4.20240611.0 x86_64 HVM kernel-6.1',
    },
  };
}

function accessKeyResource(c: Context, user: string): Obj {
  return {
    resourceType: 'AccessKey',
    accessKeyDetails: { accessKeyId: awsKeyId(c.rng, 'ASIA'), principalId: `${awsKeyId(c.rng, 'AROA')}:${user}`, userName: user, userType: 'AssumedRole' },
  };
}

interface Kind {
  type: string;
  severity: number;
  build(c: Context): { resource: Obj; action: Obj; role: string; title: string; description: string; feature: string };
}

const KINDS = new Weighted<Kind>([
  [{
    type: 'UnauthorizedAccess:EC2/SSHBruteForce', severity: 2,
    build(c) {
      const id = c.rng.pick(c.instances);
      const remote = remoteIp(c);
      return {
        resource: instanceResource(c, id), role: 'TARGET', feature: 'FlowLogs',
        action: { actionType: 'NETWORK_CONNECTION', networkConnectionAction: { connectionDirection: 'INBOUND', protocol: 'TCP', blocked: false, localPortDetails: { port: 22, portName: 'SSH' }, remotePortDetails: { port: c.rng.range(1024, 65535), portName: 'Unknown' }, remoteIpDetails: remote, localIpDetails: { ipAddressV4: privateIPv4(c.rng) } } },
        title: `${String(remote.ipAddressV4)} is performing SSH brute force attacks against ${id}.`,
        description: `${String(remote.ipAddressV4)} is performing SSH brute force attacks against ${id}. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password.`,
      };
    },
  }, 30],
  [{
    type: 'Recon:EC2/PortProbeUnprotectedPort', severity: 2,
    build(c) {
      const id = c.rng.pick(c.instances);
      const port = c.rng.pick([22, 3389, 5432, 6379, 9200]);
      return {
        resource: instanceResource(c, id), role: 'TARGET', feature: 'FlowLogs',
        action: { actionType: 'PORT_PROBE', portProbeAction: { blocked: false, portProbeDetails: pool(c.rng, c.rng.range(1, 4), (r) => ({ localPortDetails: { port, portName: 'Unknown' }, localIpDetails: { ipAddressV4: privateIPv4(r) }, remoteIpDetails: remoteIp(c) })) } },
        title: `Unprotected port on EC2 instance ${id} is being probed.`,
        description: `EC2 instance has an unprotected port which is being probed by a known malicious host.`,
      };
    },
  }, 30],
  [{
    type: 'Trojan:EC2/DGADomainRequest.B', severity: 8,
    build(c) {
      const id = c.rng.pick(c.instances);
      const domain = `${c.rng.chars('abcdefghijklmnopqrstuvwxyz', 14)}.${c.rng.pick(['com', 'net', 'info', 'xyz'])}`;
      return {
        resource: instanceResource(c, id), role: 'ACTOR', feature: 'DnsLogs',
        action: { actionType: 'DNS_REQUEST', dnsRequestAction: { domain, protocol: 'UDP', blocked: false, domainWithSuffix: domain } },
        title: `DGA domain name queried by EC2 instance ${id}.`,
        description: `EC2 instance ${id} is querying algorithmically generated domains. Such domains are commonly used by malware and could be an indication of a compromised EC2 instance.`,
      };
    },
  }, 10],
  [{
    type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', severity: 8,
    build(c) {
      const user = c.rng.pick(c.instances);
      const remote = remoteIp(c);
      const api = c.rng.pick(['DescribeInstances', 'ListBuckets', 'GetCallerIdentity']);
      return {
        resource: accessKeyResource(c, user), role: 'ACTOR', feature: 'CloudTrail',
        action: { actionType: 'AWS_API_CALL', awsApiCallAction: { api, serviceName: api === 'ListBuckets' ? 's3.amazonaws.com' : 'ec2.amazonaws.com', callerType: 'Remote IP', remoteIpDetails: remote, affectedResources: {} } },
        title: `Credentials for instance role ${user} used from external IP address.`,
        description: `Credentials created exclusively for an EC2 instance using instance role ${user} have been used from external IP address ${String(remote.ipAddressV4)}.`,
      };
    },
  }, 8],
  [{
    type: 'Policy:IAMUser/RootCredentialUsage', severity: 2,
    build(c) {
      return {
        resource: accessKeyResource(c, 'Root'), role: 'ACTOR', feature: 'CloudTrail',
        action: { actionType: 'AWS_API_CALL', awsApiCallAction: { api: 'GetAccountSummary', serviceName: 'iam.amazonaws.com', callerType: 'Remote IP', remoteIpDetails: remoteIp(c), errorCode: '', affectedResources: {} } },
        title: 'API GetAccountSummary was invoked using root credentials.',
        description: `API GetAccountSummary was invoked using root credentials from IP address ${publicIPv4(c.rng)}.`,
      };
    },
  }, 5],
  [{
    type: 'Discovery:S3/MaliciousIPCaller', severity: 5,
    build(c) {
      const bucket = `data-lake-${c.account}`;
      const resource = accessKeyResource(c, 'etl-job');
      resource.resourceType = 'S3Bucket';
      resource.s3BucketDetails = [{
        arn: `arn:aws:s3:::${bucket}`, name: bucket, type: 'Destination', createdAt: isoMillis(c.ms - 400 * 86_400_000),
        owner: { id: c.rng.hex(64) }, tags: [{ key: 'data-class', value: 'confidential' }],
        defaultServerSideEncryption: { encryptionType: 'SSEAlgorithm', kmsMasterKeyArn: null },
        publicAccess: { effectivePermission: 'NOT_PUBLIC', permissionConfiguration: { bucketLevelPermissions: { blockPublicAccess: { ignorePublicAcls: true, restrictPublicBuckets: true, blockPublicAcls: true, blockPublicPolicy: true } } } },
      }];
      return {
        resource, role: 'TARGET', feature: 'S3DataEvents',
        action: { actionType: 'AWS_API_CALL', awsApiCallAction: { api: 'ListObjects', serviceName: 's3.amazonaws.com', callerType: 'Remote IP', remoteIpDetails: remoteIp(c), affectedResources: { 'AWS::S3::Bucket': bucket } } },
        title: `S3 API ListObjects was invoked from a known malicious IP address.`,
        description: `An API was used to discover resources in S3 bucket "${bucket}" from a known malicious IP address.`,
      };
    },
  }, 5],
]);

function finding(c: Context): Obj {
  const { rng } = c;
  const kind = KINDS.pick(rng);
  const b = kind.build(c);
  const id = rng.hex(32);
  const first = c.ms - rng.range(0, 7 * 86_400_000);
  const service: Obj = {
    serviceName: 'guardduty',
    detectorId: c.detector,
    action: b.action,
    resourceRole: b.role,
    additionalInfo: rng.chance(0.5) ? { value: '{"threatListName":"ProofPoint"}', type: 'default' } : {},
    featureName: b.feature,
    eventFirstSeen: isoMillis(first),
    eventLastSeen: isoMillis(c.ms - rng.range(0, 60_000)),
    archived: false,
    count: rng.logUniform(500),
  };
  if (rng.chance(0.3)) service.evidence = { threatIntelligenceDetails: [{ threatListName: 'ProofPoint', threatNames: [] }] };
  return {
    schemaVersion: '2.0',
    accountId: c.account,
    region: c.region,
    partition: 'aws',
    id,
    arn: `arn:aws:guardduty:${c.region}:${c.account}:detector/${c.detector}/finding/${id}`,
    type: kind.type,
    resource: b.resource,
    service,
    severity: kind.severity + (rng.chance(0.3) ? rng.range(1, 9) / 10 : 0),
    createdAt: isoMillis(first),
    updatedAt: isoMillis(c.ms),
    title: b.title,
    description: b.description,
  };
}

export const guardDutyGenerator: LogGenerator = {
  type: 'AWS.GuardDuty',
  extension: 'json',
  defaultAmount: { bytes: 50_000_000 },

  generate(rng: Rng, sink: TextSink, amount: Amount): Generated {
    const accounts = pool(rng, 3, accountId);
    const detectors = pool(rng, 3, (r) => r.hex(32));
    const instances = pool(rng, 80, instanceId);
    const clock = new Clock(60_000);
    let events = 0;
    while (wantMore(amount, events, sink)) {
      const a = rng.int(accounts.length);
      const c: Context = { rng, ms: clock.tick(rng), account: accounts[a]!, region: rng.pick(REGIONS), detector: detectors[a]!, instances };
      const f = finding(c);
      const shape = rng.float();
      if (shape < 0.01) {
        sink.write(JSON.stringify({
          version: '0', id: uuid(rng), 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', account: c.account,
          time: isoMillis(c.ms).slice(0, 19) + 'Z', region: c.region, resources: [], detail: f,
        }) + '\n');
      } else if (shape < 0.012) {
        sink.write(JSON.stringify(f, null, 2) + '\n');
      } else {
        sink.write(JSON.stringify(f) + '\n');
      }
      events++;
    }
    return { events, skipped: 0 };
  },
};
