// The indicator walk over free-form JSON: Panther's walker vector
// (EXAMPLES.md, TestExtractRawMessageIndicators), the key rules, and the
// bounds (depth, values visited; no recursion).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IndicatorCollector } from '../src/core/indicators.js';
import { walkIndicators } from '../src/core/jsonwalk.js';

function collect(value: unknown, rootKey = '', limits?: { maxDepth: number; maxValues: number }): Record<string, unknown> {
  const c = new IndicatorCollector();
  walkIndicators(value, c, rootKey, limits);
  const out: Record<string, unknown> = {};
  c.writeTo(out);
  return out;
}

// Panther's awsRawMessageSample (LP/parsers/awslogs/indicators_test.go), as data.
const PANTHER_SAMPLE = {
  accountId: '123456789012',
  encryptionContext: { 'aws:cloudtrail:arn': 'arn:aws:cloudtrail:us-west-2:888888888888:trail/panther-lab-cloudtrail' },
  instanceDetails: {
    platform: null,
    tags: [{ key: 'tag1', value: 'val1' }],
    availabilityZone: 'us-east-1b',
    imageDescription: 'Amazon Linux 2 AMI 2.0.20191217.0 x86_64 HVM gp2',
    instanceId: 'i-081de1d7604b11e4a',
    instanceType: 't2.micro',
    Policy: {
      Version: '2012-10-17',
      Statement: [{ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:iam::123456789012:instance-profile/ArnLike' } } }],
    },
    launchTime: '2020-01-13T20:22:32Z',
    productCodes: [],
    iamInstanceProfile: { id: 'AIPAQXSBWDWTIWB5KZKXA', arn: 'arn:aws:iam::123456789012:instance-profile/EC2Dev' },
    networkInterfaces: [{
      subnetId: 'subnet-48998e66',
      privateDnsName: 'ip-172-31-81-237.ec2.internal',
      publicIp: '54.152.215.140',
      networkInterfaceId: 'eni-0fd8e8a70bb7804e3',
      vpcId: 'vpc-4a486c30',
      securityGroups: [{ groupName: 'launch-wizard-31', groupId: 'sg-0225c1ef2723cd87d' }],
      ipv6Addresses: ['2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
      publicDnsName: 'ec2-54-152-215-140.compute-1.amazonaws.com',
      privateIpAddress: '172.31.81.237',
      privateIpAddresses: [{ privateDnsName: 'ip-172-31-81-237.ec2.internal', privateIpAddress: '172.31.81.237' }],
    }],
    instanceState: 'running',
    imageId: 'ami-062f7200baf2fa504',
  },
  instanceArnExample: 'arn:aws:ec2:region:111122223333:instance/i-0072230f74b3a798e',
  malformedArnExample: 'arn:BUT-I-AM-NOT-REALLY-AN-ARN',
  malformedInstanceArnExample: 'arn:aws:ec2:region:111122223333:instance/',
  DNSAction: { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: 'GeneratedFindingDomainName', protocol: '0', blocked: true } },
  SSHAction: {
    actionType: 'NETWORK_CONNECTION',
    networkConnectionAction: {
      localPortDetails: { portName: 'SSH', port: 22 },
      protocol: 'TCP',
      blocked: false,
      connectionDirection: 'INBOUND',
      remoteIpDetails: {
        ipAddressV4: '151.80.19.228',
        organization: { asn: '16276', asnOrg: 'OVH SAS', isp: 'OVH SAS', org: 'OVH SAS' },
        country: { countryName: 'France' },
        city: { cityName: 'Roubaix' },
        geoLocation: { lon: 3.178, lat: 50.6974 },
      },
      remotePortDetails: { port: 32938, portName: 'Unknown' },
    },
  },
};

test("Panther's walker vector gives Panther's sets", () => {
  assert.deepEqual(collect(PANTHER_SAMPLE), {
    p_any_ip_addresses: ['151.80.19.228', '172.31.81.237', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '54.152.215.140'],
    p_any_domain_names: ['GeneratedFindingDomainName', 'ec2-54-152-215-140.compute-1.amazonaws.com', 'ip-172-31-81-237.ec2.internal'],
    p_any_aws_account_ids: ['111122223333', '123456789012', '888888888888'],
    p_any_aws_instance_ids: ['i-0072230f74b3a798e', 'i-081de1d7604b11e4a'],
    p_any_aws_arns: [
      'arn:aws:cloudtrail:us-west-2:888888888888:trail/panther-lab-cloudtrail',
      'arn:aws:ec2:region:111122223333:instance/',
      'arn:aws:ec2:region:111122223333:instance/i-0072230f74b3a798e',
      'arn:aws:iam::123456789012:instance-profile/ArnLike',
      'arn:aws:iam::123456789012:instance-profile/EC2Dev',
    ],
    p_any_aws_tags: ['tag1:val1'],
  });
});

test('key rules: suffixes, EC2 shapes, tag forms; values are validated', () => {
  const runInstances = {
    ownerId: '123456789012',
    instancesSet: { items: [{
      instanceId: 'i-0123456789abcdef0',
      privateIpAddress: '10.0.0.5',
      ipAddress: '198.51.100.7',
      dNSName: 'lb-1.us-east-1.elb.amazonaws.com',
      privateDnsName: 'ip-10-0-0-5.ec2.internal',
      tagSet: { items: [{ key: 'Name', value: 'web' }, { key: 'empty', value: '' }] },
      sourceInstanceId: 'i-11111111',
      vpcEndpointAccountId: '210987654321',
      clientIp: 'not an ip',
      account: 'unknown',
      Tags: [{ Key: 'Team', Value: 'sec' }],
      tags: { env: 'prod', nested: { no: 'x' } },
      domain: 'vpc',
      cidrIp: '0.0.0.0/0',
    }] },
  };
  assert.deepEqual(collect(runInstances, 'responseElements'), {
    p_any_ip_addresses: ['10.0.0.5', '198.51.100.7'],
    p_any_domain_names: ['ip-10-0-0-5.ec2.internal', 'lb-1.us-east-1.elb.amazonaws.com', 'vpc'],
    p_any_aws_account_ids: ['123456789012', '210987654321'],
    p_any_aws_instance_ids: ['i-0123456789abcdef0', 'i-11111111'],
    p_any_aws_tags: ['Name:web', 'Team:sec', 'empty:', 'env:prod'],
  });
});

test('a root string or array is judged by the root key; scalars and null are nothing', () => {
  assert.deepEqual(collect(['1.2.3.4', ['::1']], 'ipv6Addresses'), { p_any_ip_addresses: ['1.2.3.4', '::1'] });
  assert.deepEqual(collect('arn:aws:s3:::bucket', 'x'), { p_any_aws_arns: ['arn:aws:s3:::bucket'] });
  assert.deepEqual(collect(null), {});
  assert.deepEqual(collect(42, 'accountId'), {});
});

test('keys that exist on Object.prototype are plain data', () => {
  const value = JSON.parse('{"__proto__":{"accountId":"123456789012"},"constructor":{"instanceId":"i-12345678"},"toString":"arn:aws:iam::123456789012:root"}') as unknown;
  assert.deepEqual(collect(value), {
    p_any_aws_account_ids: ['123456789012'],
    p_any_aws_instance_ids: ['i-12345678'],
    p_any_aws_arns: ['arn:aws:iam::123456789012:root'],
  });
  assert.equal(({} as Record<string, unknown>).accountId, undefined);
});

test('depth is bounded: values below the limit are not visited', () => {
  let deep: unknown = { accountId: '123456789012' };
  for (let i = 0; i < 10; i++) deep = { a: deep };
  assert.deepEqual(collect(deep, '', { maxDepth: 32, maxValues: 1000 }), { p_any_aws_account_ids: ['123456789012'] });
  assert.deepEqual(collect(deep, '', { maxDepth: 5, maxValues: 1000 }), {});
});

test('a 200,000-level structure is walked without recursion and stops at the depth limit', () => {
  let deep: unknown = 'arn:aws:iam::123456789012:root';
  for (let i = 0; i < 200_000; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
  const c = new IndicatorCollector();
  const result = walkIndicators(deep, c);
  assert.equal(result.truncated, true);
  assert.equal(result.visited, 33);
});

test('the number of values visited is bounded', () => {
  const big = { items: Array.from({ length: 50_000 }, (_, i) => ({ privateIpAddress: `10.0.${Math.floor(i / 256) % 256}.${i % 256}` })) };
  const c = new IndicatorCollector();
  const result = walkIndicators(big, c, '', { maxDepth: 32, maxValues: 1000 });
  assert.equal(result.truncated, true);
  assert.ok(result.visited <= 1000);
  const out: Record<string, unknown> = {};
  c.writeTo(out);
  const ips = out.p_any_ip_addresses as string[];
  assert.ok(ips.length > 100 && ips.length < 1000);
});
