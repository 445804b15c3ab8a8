// One generator per log type, in the order the bench runs them.
import { albGenerator } from './alb.js';
import { auroraGenerator } from './aurora.js';
import { cloudTrailGenerator } from './cloudtrail.js';
import type { LogGenerator } from './common.js';
import { guardDutyGenerator } from './guardduty.js';
import { s3Generator } from './s3.js';
import { vpcGenerator } from './vpc.js';

export const GENERATORS: readonly LogGenerator[] = [
  vpcGenerator,
  albGenerator,
  s3Generator,
  auroraGenerator,
  cloudTrailGenerator,
  guardDutyGenerator,
];

export function findGenerator(type: string): LogGenerator | undefined {
  return GENERATORS.find((g) => g.type === type);
}

export * from './common.js';
