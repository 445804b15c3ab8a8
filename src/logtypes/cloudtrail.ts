// AWS.CloudTrail — CloudTrail events, in each shape they are found in:
// trail files (`{"Records":[…]}`, streamed by the JSON framer), one event per
// line, EventBridge events (the event is `detail`) and `aws cloudtrail
// lookup-events` output (each element's `CloudTrailEvent` is the event as a
// JSON string).
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
//
// Every field is kept under AWS's own name (`eventID`, `sourceIPAddress`;
// the seed's `eventId` spelling came from code names, not from the logs).
// Only `eventTime` and a session's `creationDate` are rewritten, to the one
// timestamp form of OUTPUT.md.
import type { IndicatorCollector } from '../core/indicators.js';
import { walkIndicators } from '../core/jsonwalk.js';
import { normalizeRFC3339 } from '../core/timestamp.js';
import { MAX_JSON_DEPTH } from '../core/limits.js';
import {
  STANDARD_FIELDS_NOTICE, describeValue, dropStandardFields, eventBridgeDetail, isJsonObject, missingFields,
  missingMessage, nestsDeeperThan, normalizeTimeField, own, parseJsonObject,
} from './json_event.js';
import type { Fields, LogTypeDescriptor, Parser, ParseSink } from './types.js';

// The fields every eventVersion has had since 1.0. `eventID` appeared in
// 1.01 and `eventType` in 1.02 (the record-contents page gives each field's
// "Since" version): archived records without them are valid records.
const REQUIRED = ['eventVersion', 'eventTime', 'awsRegion'];
// Insight events describe an unusual rate of calls, not a call: the API they
// are about is in insightDetails.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-insights-fields.html
const REQUIRED_UNLESS_INSIGHT = ['eventSource', 'eventName'];
const INSIGHT = 'AwsCloudTrailInsight';

/** Free-form JSON whose shape depends on the API called. */
const BLOBS = ['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails'];

/**
 * A digest file (CloudTrail-Digest/…) lists the hashes of the log files of
 * an hour; it holds no events. It is recognised by its own shape: no
 * `eventVersion` (every event has one), the hour it covers, and the digest's
 * signature fields or its list of log files. An event that merely carries
 * digest-like keys is an event.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
 */
function isDigest(doc: Fields): boolean {
  return !Object.hasOwn(doc, 'eventVersion') &&
    Object.hasOwn(doc, 'digestStartTime') && Object.hasOwn(doc, 'digestEndTime') &&
    (Object.hasOwn(doc, 'digestPublicKeyFingerprint') || Object.hasOwn(doc, 'digestSignatureAlgorithm') ||
      Array.isArray(own(doc, 'logFiles')));
}

const DIGEST_NOTICE = 'CloudTrail digest files hold hashes of log files, not events: skipped';

class CloudTrailParser implements Parser {
  private digestNoticed = false;
  private standardNoticed = false;

  parse(text: string, sink: ParseSink, shortNumbersOnly = false): void {
    const doc = parseJsonObject(text, sink, 'a CloudTrail event', undefined, shortNumbersOnly);
    if (doc === undefined) return;
    let event = eventBridgeDetail(doc) ?? doc;
    if (event === doc) {
      if (Object.hasOwn(doc, 'CloudTrailEvent')) {
        const inner = doc.CloudTrailEvent;
        if (typeof inner !== 'string') {
          return sink.error(`field CloudTrailEvent: expected the event as a JSON string (lookup-events output), found ${describeValue(inner)}`);
        }
        if (nestsDeeperThan(inner, MAX_JSON_DEPTH)) {
          return sink.error(`field CloudTrailEvent: JSON nested deeper than ${MAX_JSON_DEPTH} levels (the limit); not parsed`);
        }
        const parsed = parseJsonObject(inner, sink, 'a CloudTrail event', 'CloudTrailEvent');
        if (parsed === undefined) return;
        event = parsed;
      } else if (isDigest(doc)) {
        if (!this.digestNoticed) {
          this.digestNoticed = true;
          sink.notice(DIGEST_NOTICE);
        }
        return sink.skip('CloudTrail digest file');
      }
    }

    const missing = missingFields(event, REQUIRED);
    if (own(event, 'eventType') !== INSIGHT) missing.push(...missingFields(event, REQUIRED_UNLESS_INSIGHT));
    if (missing.length > 0) return sink.error(missingMessage(missing));
    const badTime = normalizeTimeField(event, 'eventTime', 'eventTime');
    if (badTime !== undefined) return sink.error(badTime);
    normalizeCreationDate(event);
    if (dropStandardFields(event) && !this.standardNoticed) {
      this.standardNoticed = true;
      sink.notice(STANDARD_FIELDS_NOTICE);
    }
    sink.event(event);
  }
}

/** userIdentity.sessionContext.attributes.creationDate, when it is RFC3339 (LOGTYPES.md). */
function normalizeCreationDate(event: Fields): void {
  const identity = own(event, 'userIdentity');
  if (!isJsonObject(identity)) return;
  const session = own(identity, 'sessionContext');
  if (!isJsonObject(session)) return;
  const attributes = own(session, 'attributes');
  if (!isJsonObject(attributes)) return;
  const created = own(attributes, 'creationDate');
  if (typeof created !== 'string') return;
  const normalized = normalizeRFC3339(created);
  if (normalized !== undefined) attributes.creationDate = normalized;
}

function addArnAndAccount(o: Fields, collector: IndicatorCollector): void {
  collector.addAs('aws_arn', own(o, 'arn'));
  collector.addAs('aws_arn', own(o, 'ARN'));
  collector.addAs('aws_account_id', own(o, 'accountId'));
}

function collectCloudTrailIndicators(fields: Fields, collector: IndicatorCollector): void {
  const identity = own(fields, 'userIdentity');
  if (isJsonObject(identity)) {
    addArnAndAccount(identity, collector);
    const session = own(identity, 'sessionContext');
    if (isJsonObject(session)) {
      const issuer = own(session, 'sessionIssuer');
      if (isJsonObject(issuer)) addArnAndAccount(issuer, collector);
      const federation = own(session, 'webIdFederationData');
      if (isJsonObject(federation)) walkIndicators(own(federation, 'attributes'), collector, 'attributes');
    }
  }
  const resources = own(fields, 'resources');
  if (Array.isArray(resources)) {
    for (const r of resources) if (isJsonObject(r)) addArnAndAccount(r, collector);
  }
  for (const blob of BLOBS) walkIndicators(own(fields, blob), collector, blob);
}

export const cloudTrail: LogTypeDescriptor = {
  name: 'AWS.CloudTrail',
  description: 'CloudTrail events: API calls, console sign-ins, service events and Insights (trail files, EventBridge, lookup-events).',
  referenceUrl: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference.html',
  framing: 'json',
  s3PathHint: '/CloudTrail/',
  eventTimeField: 'eventTime',
  indicators: [
    ['sourceIPAddress', 'hostname'], // an IP, or a service name such as cloudtrail.amazonaws.com; `AWS Internal` is neither
    ['recipientAccountId', 'aws_account_id'],
    ['vpcEndpointAccountId', 'aws_account_id'],
  ],
  collectIndicators: collectCloudTrailIndicators,
  createParser(): Parser {
    return new CloudTrailParser();
  },
};
