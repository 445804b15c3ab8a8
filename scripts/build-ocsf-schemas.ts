// Generates the JSON Schemas of the OCSF 1.1.0 classes awslogs writes
// (schemas/ocsf/<class>.json, committed) from the OCSF schema repository's own
// files: dictionary.json, categories.json, events/, objects/, includes/ and
// profiles/. It resolves them the way the OCSF server does (OCSF.md §2):
// `$include` (profile attributes tagged with their profile), `extends` (child
// keys win, enums merge), dictionary entries under each attribute, the
// datetime profile's `<name>_dt` siblings, constraints (`at_least_one` →
// anyOf, `just_one` → oneOf), and `class_uid`/`category_uid`/`type_uid`.
//
// Re-run (needs a clone or bare mirror of github.com/ocsf/ocsf-schema):
//   npm run build
//   node dist/scripts/build-ocsf-schemas.js <ocsf-schema git dir> [commit]
// The default commit is OCSF_COMMIT below: tag v1.1.0, version.json "1.1.0".
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR } from '../src/pipeline/validate.js';
import { OCSF_CLASSES } from '../src/formats/ocsf/classes.js';

/** ocsf/ocsf-schema tag v1.1.0 (2024-01-25). */
export const OCSF_COMMIT = '8ea34523a316c4bad7e360e870a23a8e5cb29bd5';

type Json = Record<string, unknown>;
interface Attr extends Json {
  type?: string;
  is_array?: boolean;
  requirement?: string;
  enum?: Record<string, { caption?: string }>;
  profile?: string | null;
  caption?: string;
}
interface Entity {
  name: string;
  caption?: string;
  uid?: number;
  category?: string;
  extends?: string;
  attributes: Record<string, Attr>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
  observable?: number;
}

const DATETIME_REGEX = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(Z|[\\+-]\\d{2}:\\d{2})?$';

class OcsfRepo {
  private readonly cache = new Map<string, Json>();
  constructor(private readonly gitDir: string, private readonly commit: string) {}

  read(path: string): Json {
    let v = this.cache.get(path);
    if (v === undefined) {
      const text = execFileSync('git', ['--git-dir', this.gitDir, 'show', `${this.commit}:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
      v = JSON.parse(text) as Json;
      this.cache.set(path, v);
    }
    return v;
  }

  files(under: string): string[] {
    const out = execFileSync('git', ['--git-dir', this.gitDir, 'ls-tree', '-r', '--name-only', this.commit, under], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.endsWith('.json'));
  }
}

/** Child attribute keys win; `enum` maps are merged (union), as the server does. */
function mergeAttr(parent: Attr | undefined, child: Attr): Attr {
  if (parent === undefined) return { ...child };
  const merged: Attr = { ...parent, ...child };
  if (parent.enum !== undefined || child.enum !== undefined) merged.enum = { ...(parent.enum ?? {}), ...(child.enum ?? {}) };
  return merged;
}

class Resolver {
  private readonly eventPaths = new Map<string, string>();
  readonly dictionary: Record<string, Attr>;
  readonly types: Record<string, Json>;
  private readonly resolved = new Map<string, Entity>();

  constructor(readonly repo: OcsfRepo) {
    for (const path of repo.files('events')) {
      const e = repo.read(path);
      this.eventPaths.set(String(e.name), path);
    }
    const dict = repo.read('dictionary.json');
    this.dictionary = dict.attributes as Record<string, Attr>;
    this.types = (dict.types as Json).attributes as Record<string, Json>;
  }

  /** The attributes of a file after `$include` (profile attributes tagged with the profile's name). */
  private ownAttributes(raw: Json): Record<string, Attr> {
    const attrs: Record<string, Attr> = {};
    const own = (raw.attributes ?? {}) as Record<string, unknown>;
    for (const inc of (own.$include ?? []) as string[]) {
      const file = this.repo.read(inc);
      const profile = inc.startsWith('profiles/') ? String(file.name) : undefined;
      for (const [k, v] of Object.entries((file.attributes ?? {}) as Record<string, Attr>)) {
        attrs[k] = mergeAttr(attrs[k], profile !== undefined ? { ...v, profile } : v);
      }
    }
    for (const [k, v] of Object.entries(own)) {
      if (k === '$include') continue;
      attrs[k] = mergeAttr(attrs[k], v as Attr);
    }
    return attrs;
  }

  entity(kind: 'event' | 'object', name: string): Entity {
    const key = `${kind}:${name}`;
    const done = this.resolved.get(key);
    if (done !== undefined) return done;
    const path = kind === 'object' ? `objects/${name}.json` : this.eventPaths.get(name);
    if (path === undefined) throw new Error(`no OCSF ${kind} named ${name}`);
    const raw = this.repo.read(path);
    const own = this.ownAttributes(raw);
    const parentName = raw.extends as string | undefined;
    const parent = parentName !== undefined && parentName !== name ? this.entity(kind, parentName) : undefined;
    const attributes: Record<string, Attr> = { ...(parent?.attributes ?? {}) };
    for (const [k, v] of Object.entries(own)) attributes[k] = mergeAttr(attributes[k], v);
    const entity: Entity = {
      name,
      attributes,
      ...(raw.caption !== undefined ? { caption: String(raw.caption) } : {}),
      ...(raw.uid !== undefined ? { uid: Number(raw.uid) } : {}),
      ...((raw.category ?? parent?.category) !== undefined ? { category: String(raw.category ?? parent?.category) } : {}),
      ...((raw.constraints ?? parent?.constraints) !== undefined ? { constraints: (raw.constraints ?? parent?.constraints) as Entity['constraints'] } : {}),
      ...(raw.observable !== undefined ? { observable: Number(raw.observable) } : {}),
    };
    this.resolved.set(key, entity);
    return entity;
  }

  /** The dictionary entry under the entity's own keys (own keys win, enums merge). */
  attribute(name: string, own: Attr): Attr {
    return mergeAttr(this.dictionary[name], own);
  }

  /** string_t, integer_t … after following `type` links of the dictionary's types. */
  baseType(type: string): string {
    let t = type;
    for (let i = 0; i < 8; i++) {
      const next = this.types[t]?.type;
      if (typeof next !== 'string') return t;
      t = next;
    }
    return t;
  }

  isObjectType(type: string): boolean {
    return this.types[type] === undefined && type !== 'object';
  }

  /** observable.type_id: what the server fills from types and objects carrying an `observable` number. */
  observableTypes(): Record<string, { caption?: string }> {
    const out: Record<string, { caption?: string }> = {};
    for (const [name, t] of Object.entries(this.types)) {
      if (typeof t.observable === 'number') out[String(t.observable)] = { caption: String(t.caption ?? name) };
    }
    for (const path of this.repo.files('objects')) {
      const o = this.repo.read(path);
      if (typeof o.observable === 'number') out[String(o.observable)] = { caption: String(o.caption ?? o.name) };
    }
    return out;
  }
}

/** Builds one class's JSON Schema (draft-07 style, `$defs` per object) for a set of profiles. */
class SchemaBuilder {
  private readonly defs: Record<string, Json> = {};
  constructor(private readonly r: Resolver, private readonly profiles: ReadonlySet<string>) {}

  private keeps(a: Attr): boolean {
    return a.profile === undefined || a.profile === null || this.profiles.has(a.profile);
  }

  private valueSchema(name: string, a: Attr): Json {
    const type = a.type ?? 'string_t';
    let item: Json;
    if (type === 'object') {
      item = { type: 'object' }; // `unmapped`: anything goes
    } else if (this.r.isObjectType(type)) {
      this.defineObject(type);
      item = { $ref: `#/$defs/${type}` };
    } else {
      const base = this.r.baseType(type);
      item = base === 'json_t' ? {} : { type: jsonType(base, name) };
      if (type === 'datetime_t') item.pattern = DATETIME_REGEX;
      if (a.enum !== undefined && base !== 'json_t') {
        const keys = Object.keys(a.enum);
        item.enum = item.type === 'integer' ? keys.map(Number).sort((x, y) => x - y) : keys.sort();
      }
    }
    if (a.caption !== undefined) item = { title: a.caption, ...item };
    return a.is_array === true ? { type: 'array', items: item } : item;
  }

  /** Properties and required list of an entity's attributes (and the datetime profile's `_dt` siblings). */
  private properties(entity: Entity): { properties: Record<string, Json>; required: string[] } {
    const properties: Record<string, Json> = {};
    const required: string[] = [];
    for (const name of Object.keys(entity.attributes).sort()) {
      const a = this.r.attribute(name, entity.attributes[name]!);
      if (!this.keeps(a)) continue;
      properties[name] = this.valueSchema(name, a);
      if (a.requirement === 'required') required.push(name);
      if (this.profiles.has('datetime') && a.type === 'timestamp_t' && entity.attributes[`${name}_dt`] === undefined) {
        const dt: Json = { type: 'string', pattern: DATETIME_REGEX };
        properties[`${name}_dt`] = a.is_array === true ? { type: 'array', items: dt } : dt;
      }
    }
    return { properties, required };
  }

  private shape(entity: Entity, extra: Record<string, Json> = {}): Json {
    const { properties, required } = this.properties(entity);
    Object.assign(properties, extra);
    const schema: Json = { type: 'object', additionalProperties: false, properties };
    if (required.length > 0) schema.required = required;
    const c = entity.constraints;
    const present = (names: string[]) => names.filter((n) => properties[n] !== undefined);
    if (c?.at_least_one !== undefined) schema.anyOf = present(c.at_least_one).map((n) => ({ required: [n] }));
    if (c?.just_one !== undefined) schema.oneOf = present(c.just_one).map((n) => ({ required: [n] }));
    return schema;
  }

  private defineObject(name: string): void {
    if (this.defs[name] !== undefined) return;
    this.defs[name] = {}; // placeholder: objects refer to themselves (process.parent_process)
    const entity = this.r.entity('object', name);
    let schema = this.shape(entity);
    if (name === 'observable') {
      const props = schema.properties as Record<string, Json>;
      props.type_id = { ...props.type_id, enum: Object.keys({ 0: 0, 99: 0, ...this.r.observableTypes() }).map(Number).sort((x, y) => x - y) };
    }
    if (entity.caption !== undefined) schema = { title: entity.caption, ...schema };
    this.defs[name] = schema;
  }

  classSchema(className: string): Json {
    const entity = this.r.entity('event', className);
    const categories = (this.r.repo.read('categories.json').attributes ?? {}) as Record<string, { uid: number }>;
    const category = categories[entity.category ?? '']?.uid;
    if (category === undefined || entity.uid === undefined) throw new Error(`${className}: no category or uid`);
    const classUid = category * 1000 + entity.uid;
    const body = this.shape(entity);
    const props = body.properties as Record<string, Json>;
    const activities = (props.activity_id?.enum ?? []) as number[];
    props.class_uid = { title: 'Class ID', type: 'integer', const: classUid };
    props.category_uid = { title: 'Category ID', type: 'integer', const: category };
    // type_uid is long_t: the server's export leaves its enum out; we add it (OCSF.md §2).
    props.type_uid = { title: 'Type ID', type: 'integer', enum: activities.map((a) => classUid * 100 + a) };
    const defs = Object.fromEntries(Object.entries(this.defs).sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `https://schema.ocsf.io/1.1.0/classes/${className}`,
      title: `${entity.caption ?? className} (OCSF 1.1.0, class_uid ${classUid}, profiles: ${[...this.profiles].join(', ')})`,
      ...body,
      $defs: defs,
    };
  }
}

function jsonType(base: string, name: string): string {
  switch (base) {
    case 'string_t': return 'string';
    case 'integer_t': case 'long_t': return 'integer';
    case 'float_t': return 'number';
    case 'boolean_t': return 'boolean';
    default: throw new Error(`attribute ${name}: unexpected base type ${base}`);
  }
}

function main(): void {
  const gitDir = process.argv[2];
  const commit = process.argv[3] ?? OCSF_COMMIT;
  if (gitDir === undefined) {
    process.stderr.write('usage: node dist/scripts/build-ocsf-schemas.js <ocsf-schema git dir> [commit]\n');
    process.exit(2);
  }
  const repo = new OcsfRepo(gitDir, commit);
  const version = String(repo.read('version.json').version);
  if (version !== '1.1.0') throw new Error(`version.json says ${version}, not 1.1.0`);
  const resolver = new Resolver(repo);
  const outDir = join(SCHEMA_DIR, 'ocsf');
  mkdirSync(outDir, { recursive: true });
  for (const c of Object.values(OCSF_CLASSES)) {
    const schema = new SchemaBuilder(resolver, new Set(c.profiles)).classSchema(c.name);
    const uid = (schema.properties as Record<string, { const?: number }>).class_uid?.const;
    if (uid !== c.uid) throw new Error(`${c.name}: the schema says class_uid ${String(uid)}, awslogs expects ${c.uid}`);
    writeFileSync(join(outDir, `${c.name}.json`), JSON.stringify(schema, null, 1) + '\n');
    process.stdout.write(`${c.name}.json: class_uid ${c.uid}, profiles ${c.profiles.join(',')}, ${Object.keys(schema.$defs as Json).length} objects\n`);
  }
}

main();
