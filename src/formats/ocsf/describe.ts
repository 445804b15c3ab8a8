// `awslogs schema --format ocsf <LogType>`: the OCSF classes a type's events
// map to, each with its activities, profiles and generated JSON Schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCSF_VERSION } from './classes.js';
import { ocsfMappingFor } from './index.js';
import { OCSF_SCHEMA_DIR } from './validate.js';

/**
 * `{logType, ocsfVersion, rules, classes: [{name, caption, class_uid,
 * category_uid, profiles, activities: {id: caption}, schema}]}` as
 * indented JSON with a final newline.
 */
export function ocsfSchemaText(logType: string): string {
  const mapping = ocsfMappingFor(logType);
  if (mapping === undefined) throw new Error(`no OCSF mapping for ${logType}`);
  const classes = mapping.classes.map((c) => ({
    name: c.name,
    caption: c.caption,
    class_uid: c.uid,
    category_uid: c.categoryUid,
    profiles: c.profiles,
    activities: c.activities,
    schema: JSON.parse(readFileSync(join(OCSF_SCHEMA_DIR, `${c.name}.json`), 'utf8')) as unknown,
  }));
  return JSON.stringify({ logType, ocsfVersion: OCSF_VERSION, rules: mapping.rules, classes }, null, 2) + '\n';
}
