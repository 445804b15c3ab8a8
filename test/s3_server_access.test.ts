import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOperation } from '../src/logtypes/s3_server_access.js';

test('s3 operation: the forms S3 writes', () => {
  for (const op of ['REST.GET.OBJECT', 'S3.EXPIRE.OBJECT', 'BATCH.DELETE.OBJECT', 'WEBSITE.GET.OBJECT',
    'S3.COMPUTE.OBJECT.CHECKSUM', 'REST.COPY.OBJECT_GET', 'S3.TRANSITION_SIA.OBJECT', 'REST.POST.MULTI_OBJECT_DELETE',
    'SOAP.CreateBucket']) {
    assert.ok(isOperation(op), op);
  }
});

test('s3 operation: request ids, requester words and keys are not operations', () => {
  for (const s of ['3E57427F3EXAMPLE', 'E3EXAMPLE', 'Identity', 'AmazonS3', '-', '', 'REST', 'REST.', 'REST..GET',
    '.REST.GET', 'rest.get.object', 'REST.GET.OBJECT/x', 'photos/2019/a.jpg']) {
    assert.ok(!isOperation(s), s);
  }
});
