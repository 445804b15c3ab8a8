// Unit tests of src/lambda/config.ts and src/lambda/output_key.ts: the
// environment checked whole at start, and output keys that are a pure,
// unambiguous function of what identifies the input.
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/lambda/config.js';
import { ROOT } from './helpers/cli.js';
import { MAX_KEY_BYTES, contentTag, errorsKeyForObject, errorsKeyForPayload, outputKeyForObject, outputKeyForPayload, undecodablePayloadIdentity } from '../src/lambda/output_key.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.doesNotMatch(err.message, /\n/);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('config: the output prefix is made a folder, errors default to <output>errors/, detection when no type', () => {
  assert.deepEqual(loadConfig({ AWSLOGS_OUTPUT: 's3://out-bucket/normalized' }), {
    output: { bucket: 'out-bucket', prefix: 'normalized/' }, errors: { bucket: 'out-bucket', prefix: 'normalized/errors/' }, format: 'ndjson', gzip: false,
  });
  const c = loadConfig({ AWSLOGS_OUTPUT: 's3://out-bucket', AWSLOGS_ERRORS: 's3://err-bucket/e/', AWSLOGS_TYPE: 'AWS.CloudTrail', AWSLOGS_FORMAT: 'ndjson', AWSLOGS_GZIP: 'true' });
  assert.deepEqual(c.output, { bucket: 'out-bucket', prefix: '' });
  assert.deepEqual(c.errors, { bucket: 'err-bucket', prefix: 'e/' });
  assert.equal(c.logType?.name, 'AWS.CloudTrail');
  assert.equal(c.gzip, true);
  assert.equal(loadConfig({ AWSLOGS_OUTPUT: 's3://out-bucket/', AWSLOGS_TYPE: '  ' }).logType, undefined);
});

test('config: a missing or malformed setting is one line naming each variable', () => {
  assert.match(configError({}), /^awslogs: bad configuration: AWSLOGS_OUTPUT: required: the s3:\/\/bucket\/prefix\/ where normalized objects go$/);
  assert.match(configError({ AWSLOGS_OUTPUT: '/tmp/out' }), /AWSLOGS_OUTPUT: expected s3:\/\/bucket\/prefix\/, found "\/tmp\/out"/);
  assert.match(configError({ AWSLOGS_OUTPUT: 's3://Bad_Bucket/x' }), /AWSLOGS_OUTPUT: "Bad_Bucket" is not an S3 bucket name/);
  const several = configError({ AWSLOGS_OUTPUT: 's3://ok-bucket/', AWSLOGS_TYPE: 'AWS.Nope', AWSLOGS_FORMAT: 'parquet', AWSLOGS_GZIP: 'yes', AWSLOGS_ERRORS: 'http://x' });
  assert.match(several, /AWSLOGS_ERRORS: expected s3:\/\/bucket\/prefix\//);
  assert.match(several, /AWSLOGS_TYPE: unknown log type "AWS.Nope"; known: AWS.ALB/);
  assert.match(several, /AWSLOGS_FORMAT: expected ndjson or ocsf, found "parquet"/);
  assert.match(several, /AWSLOGS_GZIP: expected true or false, found "yes"/);
});

const out = { bucket: 'out', prefix: 'n/' };

test('output key: <prefix><bucket>/<key>.<tag>.ndjson, the tag from versionId, else ETag, else unversioned', () => {
  assert.equal(outputKeyForObject(out, { bucket: 'src', key: 'AWSLogs/a b.log.gz', versionId: 'v.1_x', eTag: 'e' }, false), 'n/src/AWSLogs/a b.log.gz.version-v%2E1_x.ndjson');
  assert.equal(outputKeyForObject(out, { bucket: 'src', key: 'k', eTag: '"d41d8cd9-2"' }, true), 'n/src/k.etag-d41d8cd9-2.ndjson.gz');
  assert.equal(outputKeyForObject(out, { bucket: 'src', key: 'k' }, false), 'n/src/k.unversioned.ndjson');
  assert.equal(outputKeyForObject(out, { bucket: 'src', key: 'k', versionId: 'null', eTag: 'e' }, false), 'n/src/k.etag-e.ndjson', 'versionId "null" is an unversioned object');
  assert.equal(errorsKeyForObject({ bucket: 'out', prefix: 'n/errors/' }, { bucket: 'src', key: 'k', eTag: 'e' }), 'n/errors/src/k.etag-e.errors.ndjson');
  assert.equal(errorsKeyForObject({ bucket: 'out', prefix: 'n/errors/' }, { bucket: 'src', key: 'k', eTag: 'e' }, '.ocsf'), 'n/errors/src/k.etag-e.ocsf.errors.ndjson', 'OCSF reports do not overwrite NDJSON ones');
});

test('output key: pure (same identity, same key) and different for another version or object', () => {
  const id = { bucket: 'src', key: 'x/y.log', eTag: 'abc' };
  assert.equal(outputKeyForObject(out, id, false), outputKeyForObject(out, { ...id }, false));
  const keys = new Set([
    outputKeyForObject(out, id, false),
    outputKeyForObject(out, { ...id, eTag: 'abd' }, false),
    outputKeyForObject(out, { ...id, versionId: 'abc' }, false),
    outputKeyForObject(out, { ...id, key: 'x/y.log.etag-abc' }, false),
    outputKeyForObject(out, { bucket: 'src2', key: 'x/y.log', eTag: 'abc' }, false),
  ]);
  assert.equal(keys.size, 5);
  // A tag never holds a '.', so key and tag are read back from the right end.
  assert.doesNotMatch(contentTag({ versionId: 'a.b.c' }), /\./);
});

test('output key: a key that would pass 1,024 bytes keeps its start and a hash, and stays unique', () => {
  const long = 'é'.repeat(600);
  const a = outputKeyForObject(out, { bucket: 'src', key: long + 'a', eTag: 'e' }, false);
  const b = outputKeyForObject(out, { bucket: 'src', key: long + 'b', eTag: 'e' }, false);
  assert.ok(Buffer.byteLength(a) <= MAX_KEY_BYTES);
  assert.notEqual(a, b);
  assert.match(a, /^n\/src\/é+~[0-9a-f]{16}\.etag-e\.ndjson$/);
});

test('output key: a CloudWatch Logs payload by owner, group, stream and first event id, each one folder', () => {
  const id = { owner: '123456789012', logGroup: '/aws/lambda/fn', logStream: '2024/05/01/[$LATEST]abc', firstEventId: '3759' };
  assert.equal(outputKeyForPayload(out, id, false), 'n/CloudWatchLogs/123456789012/%2Faws%2Flambda%2Ffn/2024%2F05%2F01%2F%5B%24LATEST%5Dabc/3759.ndjson');
  assert.equal(errorsKeyForPayload(out, id), 'n/CloudWatchLogs/123456789012/%2Faws%2Flambda%2Ffn/2024%2F05%2F01%2F%5B%24LATEST%5Dabc/3759.errors.ndjson');
  const bad = undecodablePayloadIdentity('!!');
  assert.equal(outputKeyForPayload(out, bad, false), outputKeyForPayload(out, undecodablePayloadIdentity('!!'), false));
  assert.notEqual(outputKeyForPayload(out, bad, false), outputKeyForPayload(out, undecodablePayloadIdentity('!?'), false));
});

test('awslogs/lambda is a package export whose import loads no AWS SDK module (the SDK comes with the first object)', () => {
  // A resolve hook names every @aws-sdk module the import asks for; the last line proves the hook sees the SDK when it is loaded.
  const hook = `export async function resolve(s, c, next) { if (s.includes('@aws-sdk')) process.stdout.write('SDK ' + s + '\\n'); return next(s, c); }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const m = await import('awslogs/lambda');
    console.log('handler ' + typeof m.handler);
    await (await import('./dist/src/s3/client.js')).loadSdk();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'handler function');
  assert.match(lines[1] ?? '', /^SDK @aws-sdk\/client-s3$/);
});
