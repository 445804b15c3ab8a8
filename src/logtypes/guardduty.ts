// AWS.GuardDuty — GuardDuty findings: one per line (the S3 export, `jq -c`),
// EventBridge events (`detail-type: GuardDuty Finding`; the finding is
// `detail`) and `aws guardduty get-findings` output (`{"Findings":[…]}`,
// streamed by the JSON framer). The AWS CLI prints the API's PascalCase
// member names (`AccountId`, `Service.DetectorId`); such a finding is
// written with the S3 export's names (guardduty_names.ts), so one rule works
// on both.
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-format.html
//
// Every field is kept as GuardDuty wrote it; only the four timestamps of
// the finding and its service block are rewritten to the one timestamp form
// of OUTPUT.md (GuardDuty writes milliseconds: `2024-05-01T10:05:00.123Z`).
import type { IndicatorCollector } from '../core/indicators.js';
import { walkIndicators } from '../core/jsonwalk.js';
import {
  STANDARD_FIELDS_NOTICE, dropStandardFields, eventBridgeDetail, isJsonObject, missingFields, missingMessage,
  normalizeTimeField, own, parseJsonObject,
} from './json_event.js';
import { toWireNames, upperFirst, usesMemberNames } from './guardduty_names.js';
import type { Fields, LogTypeDescriptor, Parser, ParseSink } from './types.js';

// As Panther required them (its guardduty.go `validate:"required"`).
const REQUIRED = ['schemaVersion', 'accountId', 'region', 'partition', 'id', 'arn', 'type', 'resource', 'service',
  'severity', 'createdAt', 'updatedAt', 'title', 'description'];
const REQUIRED_IN_SERVICE = ['serviceName', 'detectorId'];
const SERVICE_TIMES = ['eventFirstSeen', 'eventLastSeen'];

class GuardDutyParser implements Parser {
  private standardNoticed = false;

  parse(text: string, sink: ParseSink, shortNumbersOnly = false): void {
    const doc = parseJsonObject(text, sink, 'a GuardDuty finding', undefined, shortNumbersOnly);
    if (doc === undefined) return;
    let finding = eventBridgeDetail(doc) ?? doc;
    const memberNames = usesMemberNames(finding, REQUIRED);
    if (memberNames) finding = toWireNames(finding);

    const missing = missingFields(finding, REQUIRED);
    const service = own(finding, 'service');
    if (isJsonObject(service)) missing.push(...missingFields(service, REQUIRED_IN_SERVICE, 'service.'));
    if (missing.length > 0) return sink.error(missingMessage(missing) + (memberNames ? memberNamesNote(missing) : ''));

    const bad = normalizeTimeField(finding, 'createdAt', 'createdAt') ?? normalizeTimeField(finding, 'updatedAt', 'updatedAt');
    if (bad !== undefined) return sink.error(bad);
    if (isJsonObject(service)) {
      for (const key of SERVICE_TIMES) {
        if (!Object.hasOwn(service, key)) continue;
        const badService = normalizeTimeField(service, key, `service.${key}`);
        if (badService !== undefined) return sink.error(badService);
      }
    }
    if (dropStandardFields(finding) && !this.standardNoticed) {
      this.standardNoticed = true;
      sink.notice(STANDARD_FIELDS_NOTICE);
    }
    sink.event(finding);
  }
}

/** For a get-findings finding: the missing fields under the names it was written with. */
function memberNamesNote(missing: readonly string[]): string {
  return ` (get-findings output: ${missing.map((path) => path.split('.').map(upperFirst).join('.')).join(', ')})`;
}

// The resource (instance details, access keys, buckets, clusters…) and the
// service block (remote IPs, DNS requests, API calls, evidence) hold the
// finding's indicators.
function collectGuardDutyIndicators(fields: Fields, collector: IndicatorCollector): void {
  walkIndicators(own(fields, 'resource'), collector, 'resource');
  walkIndicators(own(fields, 'service'), collector, 'service');
}

export const guardDuty: LogTypeDescriptor = {
  name: 'AWS.GuardDuty',
  description: 'GuardDuty findings (S3 export, EventBridge events, get-findings output).',
  referenceUrl: 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-format.html',
  framing: 'json',
  s3PathHint: '/GuardDuty/',
  eventTimeField: 'updatedAt',
  eventTimeFallbacks: ['createdAt'],
  indicators: [
    ['arn', 'aws_arn'],
    ['accountId', 'aws_account_id'],
  ],
  collectIndicators: collectGuardDutyIndicators,
  createParser(): Parser {
    return new GuardDutyParser();
  },
};
