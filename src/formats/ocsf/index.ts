// --format ocsf: one OCSF 1.1.0 event per native record, validated against
// its class's generated schema. One mapping file per log type; each reads
// the normalized record (its native fields and p_ fields) and knows that
// type's field names; a log type knows nothing of OCSF.
import type { RecordConverter } from '../types.js';
import type { OcsfClass } from './classes.js';
import type { Fields, Ocsf } from './common.js';
import { ALB_MAPPING } from './alb.js';
import { AURORA_MAPPING } from './aurora_mysql_audit.js';
import { CLOUDTRAIL_MAPPING } from './cloudtrail.js';
import { GUARDDUTY_MAPPING } from './guardduty.js';
import { S3_MAPPING } from './s3_server_access.js';
import { VPC_MAPPING } from './vpc_flow.js';
import { checkOcsf } from './validate.js';

export interface OcsfMapping {
  /** The classes this type's events may have, first the main one (`awslogs schema --format ocsf`). */
  readonly classes: readonly OcsfClass[];
  /** When each class is chosen, for people (`schema --format ocsf`, README). */
  readonly rules: string;
  /** The event for a native record, or why there is none (an error report). */
  map(record: Fields): { event: Ocsf; cls: OcsfClass } | string;
}

export const OCSF_MAPPINGS: Readonly<Record<string, OcsfMapping>> = {
  'AWS.ALB': ALB_MAPPING,
  'AWS.AuroraMySQLAudit': AURORA_MAPPING,
  'AWS.CloudTrail': CLOUDTRAIL_MAPPING,
  'AWS.GuardDuty': GUARDDUTY_MAPPING,
  'AWS.S3ServerAccess': S3_MAPPING,
  'AWS.VPCFlow': VPC_MAPPING,
};

/** The mapping of a log type, or undefined. */
export function ocsfMappingFor(logType: string): OcsfMapping | undefined {
  return Object.hasOwn(OCSF_MAPPINGS, logType) ? OCSF_MAPPINGS[logType] : undefined;
}

/**
 * Native record → validated OCSF event. A record the mapping cannot place,
 * or whose event the class schema rejects, is an error: never a silent write.
 * `partition` is the class name (one class per file, for Parquet later).
 */
export function ocsfConverter(logType: string): RecordConverter {
  const mapping = ocsfMappingFor(logType);
  if (mapping === undefined) return () => ({ error: `ocsf: no OCSF mapping for ${logType}` });
  return (record) => {
    const mapped = mapping.map(record);
    if (typeof mapped === 'string') return { error: `ocsf: ${mapped}` };
    const problem = checkOcsf(mapped.cls.name, mapped.event);
    return problem === undefined ? { record: mapped.event, partition: mapped.cls.name } : { error: problem };
  };
}
