// deploy/template.yaml, checked without a YAML library (none is a
// dependency, and one is not worth adding for this): its layout is YAML a
// parser takes (spaces only, even indentation, no duplicate resource), and
// it says what the README promises: Node.js 20 on arm64 with 1,024 MB, the
// handler the package exports, a dead-letter queue, S3 allowed to send to
// the queue, ReportBatchItemFailures, and no wildcard permission.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

const text = readFileSync(join(ROOT, 'deploy/template.yaml'), 'utf8');
const lines = text.split('\n');

/** The block of lines under `  Name:` at two spaces (a resource), up to the next one. */
function resource(name: string): string {
  const start = lines.indexOf(`  ${name}:`);
  assert.ok(start >= 0, `no resource ${name}`);
  const end = lines.findIndex((l, i) => i > start && /^ {0,2}\S/.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

test('template: YAML layout a parser takes (no tabs, even indentation, unique resource names)', () => {
  lines.forEach((line, i) => {
    assert.doesNotMatch(line, /\t/, `line ${i + 1} has a tab`);
    const indent = /^ */.exec(line)![0].length;
    if (line.trim() !== '' && !line.trim().startsWith('#')) assert.equal(indent % 2, 0, `line ${i + 1}: odd indentation`);
  });
  const top = lines.filter((l) => /^[A-Za-z]/.test(l)).map((l) => l.split(':')[0]);
  assert.deepEqual(top, ['AWSTemplateFormatVersion', 'Transform', 'Description', 'Parameters', 'Resources', 'Outputs']);
  const start = lines.indexOf('Resources:');
  const end = lines.indexOf('Outputs:');
  const names = lines.slice(start, end).filter((l) => /^ {2}[A-Za-z]+:$/.test(l)).map((l) => l.trim());
  assert.equal(new Set(names).size, names.length, 'duplicate resource');
});

test('template: the function is Node.js 20 on arm64 with 1,024 MB, running the exported handler with the environment config.ts reads', () => {
  const fn = resource('NormalizeFunction');
  assert.match(fn, /Runtime: nodejs20\.x/);
  assert.match(fn, /Architectures: \[arm64\]/);
  assert.match(fn, /MemorySize: 1024/);
  assert.match(fn, /Timeout: 900/);
  const handler = /Handler: (\S+)\.handler/.exec(fn)![1]!;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> };
  assert.equal(`./${handler}.js`, pkg.exports['./lambda']);
  assert.ok(existsSync(join(ROOT, `${handler}.js`)), 'the handler file is built');
  for (const v of ['AWSLOGS_OUTPUT', 'AWSLOGS_TYPE', 'AWSLOGS_FORMAT', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) assert.match(fn, new RegExp(`${v}:`));
  const config = readFileSync(join(ROOT, 'src/lambda/config.ts'), 'utf8');
  for (const v of fn.matchAll(/(AWSLOGS_[A-Z]+):/g)) assert.ok(config.includes(v[1]!), `${v[1]} is not read by config.ts`);
});

test('template: queue with a dead-letter queue, S3 may send to it, the mapping reports batch item failures', () => {
  assert.match(resource('Queue'), /deadLetterTargetArn: !GetAtt DeadLetterQueue\.Arn/);
  assert.match(resource('Queue'), /VisibilityTimeout: (\d+)/);
  assert.ok(Number(/VisibilityTimeout: (\d+)/.exec(resource('Queue'))![1]) >= 900, 'visibility at least the function timeout');
  const policy = resource('QueuePolicy');
  assert.match(policy, /Principal: \{ Service: s3\.amazonaws\.com \}/);
  assert.match(policy, /Action: sqs:SendMessage/);
  assert.match(policy, /aws:SourceArn/);
  const bucket = resource('SourceBucket');
  assert.match(bucket, /DependsOn: QueuePolicy/);
  assert.match(bucket, /Event: 's3:ObjectCreated:\*'/);
  assert.match(resource('QueueEventSource'), /FunctionResponseTypes: \[ReportBatchItemFailures\]/);
});

test('template: least privilege (read the source prefix, write the output prefix, consume the queue; no wildcard action or resource)', () => {
  const role = resource('FunctionRole');
  assert.doesNotMatch(role, /Resource: '?\*'?$/m);
  assert.doesNotMatch(role, /s3:\*|sqs:\*|Action: '?\*'?$/m);
  assert.match(role, /Action: \[s3:GetObject, s3:GetObjectVersion\]\n\s+Resource: !Sub 'arn:\$\{AWS::Partition\}:s3:::\$\{SourceBucketName\}\/\$\{SourcePrefix\}\*'/);
  assert.match(role, /Action: \[s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts\]\n\s+Resource: !Sub 'arn:\$\{AWS::Partition\}:s3:::\$\{OutputBucketName\}\/\$\{OutputPrefix\}\*'/);
  assert.match(role, /Resource: !GetAtt Queue\.Arn/);
  assert.match(resource('NormalizeFunction'), /Role: !GetAtt FunctionRole\.Arn/);
});
