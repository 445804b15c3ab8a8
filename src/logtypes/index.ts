// The registry: one line per log type. Adding a type means adding its file
// and a line here (test/registry.test.ts checks every entry).
import type { LogTypeDescriptor } from './types.js';
import { alb } from './alb.js';
import { auroraMySQLAudit } from './aurora_mysql_audit.js';
import { cloudTrail } from './cloudtrail.js';
import { guardDuty } from './guardduty.js';
import { s3ServerAccess } from './s3_server_access.js';
import { vpcFlow } from './vpc_flow.js';

export const LOG_TYPES: readonly LogTypeDescriptor[] = [
  alb,
  auroraMySQLAudit,
  cloudTrail,
  guardDuty,
  s3ServerAccess,
  vpcFlow,
];

export const LOG_TYPE_NAMES: readonly string[] = LOG_TYPES.map((t) => t.name);

export function findLogType(name: string): LogTypeDescriptor | undefined {
  return LOG_TYPES.find((t) => t.name === name);
}

export type { LogTypeDescriptor } from './types.js';
