// GuardDuty findings in the API's member names (get-findings output) are
// written with the wire names the S3 export uses (logtypes/guardduty_names.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber } from '../src/core/exact_number.js';
import { toWireNames, upperFirst, usesMemberNames } from '../src/logtypes/guardduty_names.js';

const REQUIRED = ['schemaVersion', 'accountId', 'region', 'partition', 'id', 'arn', 'type', 'resource', 'service',
  'severity', 'createdAt', 'updatedAt', 'title', 'description'];

test('member names: first letter lower-cased, acronyms and digits kept as the S3 export writes them', () => {
  const names: Record<string, string> = {
    IpAddressV4: 'ipAddressV4', IpAddressV6: 'ipAddressV6', Ipv6Addresses: 'ipv6Addresses', S3BucketDetails: 's3BucketDetails',
    EksClusterDetails: 'eksClusterDetails', RdsDbInstanceDetails: 'rdsDbInstanceDetails', EbsVolumeDetails: 'ebsVolumeDetails',
    Arn: 'arn', ETag: 'eTag', Sha256: 'sha256', Ec2InstanceUids: 'ec2InstanceUids', AccountId: 'accountId', PublicIp: 'publicIp',
    already: 'already', _private: '_private', '9lives': '9lives', '': '',
  };
  const source = Object.fromEntries(Object.keys(names).map((k) => [k, 1]));
  assert.deepEqual(Object.keys(toWireNames(source)), Object.values(names));
});

test('the members whose wire name differs are renamed under the member that holds them, and only there', () => {
  const finding = {
    Service: {
      Action: {
        KubernetesApiCallAction: { SourceIps: ['203.0.113.1'] },
        RdsLoginAttemptAction: { LoginAttributes: [{ User: 'admin' }] },
        NetworkConnectionAction: { RemoteIpDetails: { GeoLocation: { Lat: 1, Lon: 2 } } },
      },
      Detection: {
        Sequence: {
          Endpoints: [{ Location: { Latitude: 1.5, Longitude: -2.5, City: 'c' } }],
          Actors: [{ User: { Account: { Uid: '123456789012', Name: 'example' }, Name: 'alice' } }],
          Resources: [{ Data: { Ec2Instance: { IamInstanceProfile: { Arn: 'a' }, ProductCodes: [{ Code: 'c', ProductType: 't' }] },
            KubernetesWorkload: { KubernetesResourcesTypes: 'Pods' } } }],
        },
      },
    },
    Resource: {
      EcsClusterDetails: { TaskDetails: { TaskCreatedAt: 't' } },
      InstanceDetails: { IamInstanceProfile: { Arn: 'a' }, ProductCodes: [{ Code: 'c', ProductType: 't' }] },
      Other: { Latitude: 1, Code: 'x', Name: 'n', SourceIps: [], TaskCreatedAt: 't', KubernetesResourcesTypes: 'k' },
    },
  };
  assert.deepEqual(toWireNames(finding), {
    service: {
      action: {
        kubernetesApiCallAction: { sourceIPs: ['203.0.113.1'] },
        rdsLoginAttemptAction: { LoginAttributes: [{ user: 'admin' }] },
        networkConnectionAction: { remoteIpDetails: { geoLocation: { lat: 1, lon: 2 } } },
      },
      detection: {
        sequence: {
          endpoints: [{ location: { lat: 1.5, lon: -2.5, city: 'c' } }],
          actors: [{ user: { account: { uid: '123456789012', account: 'example' }, name: 'alice' } }],
          resources: [{ data: { ec2Instance: { IamInstanceProfile: { arn: 'a' }, productCodes: [{ productCodeId: 'c', productCodeType: 't' }] },
            kubernetesWorkload: { type: 'Pods' } } }],
        },
      },
    },
    resource: {
      ecsClusterDetails: { taskDetails: { createdAt: 't' } },
      instanceDetails: { iamInstanceProfile: { arn: 'a' }, productCodes: [{ productCodeId: 'c', productCodeType: 't' }] },
      other: { latitude: 1, code: 'x', name: 'n', sourceIps: [], taskCreatedAt: 't', kubernetesResourcesTypes: 'k' },
    },
  });
});

test('the keys of the API\'s maps are data: kept as written, structures below them converted', () => {
  const finding = {
    AwsApiCallAction: { AffectedResources: { 'AWS::S3::Bucket': 'amzn-s3-demo-bucket', ResourceName: 'R', Nested: { Inner: 'x' } } },
    Anomaly: {
      Profiles: { ProfileTypeFrequency: { UserAgent: [{ ProfileType: 'frequency', Observations: { Text: ['x'] } }] } },
      Unusual: { Behavior: { Kubernetes: { UserAgent: { ProfileSubtype: 'unseen' } } } },
    },
    Tags: [{ Key: 'Name', Value: 'web' }],
  };
  assert.deepEqual(toWireNames(finding), {
    awsApiCallAction: { affectedResources: { 'AWS::S3::Bucket': 'amzn-s3-demo-bucket', ResourceName: 'R', Nested: { inner: 'x' } } },
    anomaly: {
      profiles: { ProfileTypeFrequency: { UserAgent: [{ profileType: 'frequency', observations: { text: ['x'] } }] } },
      unusual: { behavior: { Kubernetes: { UserAgent: { profileSubtype: 'unseen' } } } },
    },
    tags: [{ key: 'Name', value: 'web' }],
  });
});

test('two keys never merge into one; key order and values (exact numbers too) are kept', () => {
  const big = new ExactNumber('9007199254740993');
  const converted = toWireNames({ B: 1, UserName: 'alice', userName: 'bob', A: big, ProductCodes: [{ Code: 'c', productCodeId: 'p' }] });
  assert.deepEqual(Object.keys(converted), ['b', 'UserName', 'userName', 'a', 'productCodes']);
  assert.equal(converted.a, big);
  assert.deepEqual(converted.productCodes, [{ Code: 'c', productCodeId: 'p' }]);
  assert.deepEqual(toWireNames({ Code: 1, ProductCodeId: 2 }), { code: 1, productCodeId: 2 });
  assert.deepEqual((toWireNames({ ProductCodes: [{ Code: 1, ProductCodeId: 2 }] }).productCodes as unknown[])[0], { productCodeId: 1, ProductCodeId: 2 });
});

test('__proto__ stays an ordinary key, at any level and in maps; nothing is polluted', () => {
  const finding = JSON.parse('{"__proto__":{"Polluted":1},"Resource":{"__proto__":"x","AffectedResources":{"__proto__":"y"}}}') as Record<string, unknown>;
  const converted = toWireNames(finding);
  assert.ok(Object.hasOwn(converted, '__proto__'));
  assert.equal(Object.getPrototypeOf(converted), Object.prototype);
  assert.equal(JSON.stringify(converted), '{"__proto__":{"polluted":1},"resource":{"__proto__":"x","affectedResources":{"__proto__":"y"}}}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).Polluted, undefined);
});

test('iterative: a finding nested far deeper than the call stack allows is converted', () => {
  let deep: unknown = { Leaf: 1 };
  for (let i = 0; i < 100_000; i++) deep = i % 2 === 0 ? [deep] : { Level: deep };
  const converted = toWireNames({ Deep: deep });
  let node: unknown = converted.deep;
  let levels = 0;
  while (typeof node === 'object' && node !== null && !Object.hasOwn(node, 'leaf')) {
    node = Array.isArray(node) ? node[0] : (node as Record<string, unknown>).level;
    levels++;
  }
  assert.equal(levels, 100_000);
});

test('usesMemberNames: only a finding with none of the required wire names and some member names', () => {
  assert.equal(usesMemberNames({ AccountId: '1', Id: 'x' }, REQUIRED), true);
  assert.equal(usesMemberNames({ Service: {} }, REQUIRED), true);
  assert.equal(usesMemberNames({}, REQUIRED), false);
  assert.equal(usesMemberNames({ accountId: '1', AccountId: '2', Id: 'x', Service: {} }, REQUIRED), false);
  assert.equal(usesMemberNames({ description: 'd', Title: 't' }, REQUIRED), false);
  assert.equal(usesMemberNames({ Other: 1 }, REQUIRED), false);
  assert.equal(upperFirst('service.detectorId'.split('.')[1]!), 'DetectorId');
});
