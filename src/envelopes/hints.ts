// What a log group's or log stream's name says about the records in it: a
// strong hint for detection, which still checks that the messages parse as
// the hinted type (names are chosen by users, and may mislead).
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Integrating.CloudWatch.html
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html

interface Hint {
  /** The log type the names point to. */
  readonly type: string;
  readonly logGroup?: RegExp;
  readonly logStream?: RegExp;
}

export const INNER_TYPE_HINTS: readonly Hint[] = [
  // `/aws/rds/cluster/<cluster>/audit` (Aurora), `/aws/rds/instance/<instance>/audit` (RDS for MySQL/MariaDB).
  { type: 'AWS.AuroraMySQLAudit', logGroup: /^\/aws\/rds\/(cluster|instance)\/[^/]+\/audit$/ },
  // Streams `<account>_CloudTrail_<region>[_<n>]` (organization trails: `o-<org id>_…`); groups
  // `CloudTrail/logs` (the guide's) or `aws-cloudtrail-logs-<account>-<hex>` (the console's).
  { type: 'AWS.CloudTrail', logStream: /^(\d{12}|o-[a-z0-9]+)_.*CloudTrail_[a-z0-9-]+(_\d+)?$/ },
  { type: 'AWS.CloudTrail', logGroup: /cloudtrail/i },
  // One stream per network interface, `<eni-id>-all|accept|reject`; groups often name `flow`.
  { type: 'AWS.VPCFlow', logStream: /^eni-[0-9a-f]+-(all|accept|reject)$/ },
  { type: 'AWS.VPCFlow', logGroup: /flow/i },
];

/** The log type the names hint at, if any (the first hint that matches). */
export function hintedType(logGroup: string | undefined, logStream: string | undefined): string | undefined {
  for (const h of INNER_TYPE_HINTS) {
    if (h.logGroup !== undefined && logGroup !== undefined && h.logGroup.test(logGroup)) return h.type;
    if (h.logStream !== undefined && logStream !== undefined && h.logStream.test(logStream)) return h.type;
  }
  return undefined;
}
