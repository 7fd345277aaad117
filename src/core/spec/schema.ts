// JSON Schema (draft-07, what VS Code's JSON language service understands) generated from the
// same definition the validator uses. Written to media/schema/hyperlab.schema.json by schema-cli.ts.
import type { FieldDef, ObjectField, TaggedField } from './fields.ts';
import { specDefinition } from './definition.ts';
import { ENGINE_SECTIONS } from './producer.ts';
import { defaultFor } from './validate.ts';

export type JsonSchema = { [key: string]: unknown };

function nullableType(type: string, nullable: boolean | undefined): string | string[] {
  return nullable ? [type, 'null'] : type;
}

function objectSchema(fields: ObjectField['fields'], description: string, defs: Map<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  const properties: JsonSchema = { ...extra };
  for (const [key, field] of Object.entries(fields)) properties[key] = fieldSchema(field, defs);
  return { type: 'object', description, properties, additionalProperties: false };
}

function taggedSchema(def: TaggedField, defs: Map<string, JsonSchema>): JsonSchema {
  if (!defs.has(def.ref)) {
    defs.set(def.ref, {}); // placeholder: stops the recursion through residual blocks
    const variants = Object.entries(def.variants).map(([tag, variant]) =>
      ({ ...objectSchema(variant.fields, variant.description, defs, { [def.tag]: { const: tag, description: variant.description } }), required: [def.tag] }));
    defs.set(def.ref, {
      description: def.description,
      type: 'object',
      properties: { [def.tag]: { enum: Object.keys(def.variants), description: def.description } },
      required: [def.tag],
      oneOf: variants,
      defaultSnippets: Object.keys(def.variants).map((tag) => ({ label: tag, body: { [def.tag]: tag } })),
    });
  }
  return { $ref: `#/definitions/${def.ref}` };
}

function fieldSchema(def: FieldDef, defs: Map<string, JsonSchema>): JsonSchema {
  const base: JsonSchema = { description: def.description };
  const fallback = defaultFor(def);
  if (fallback !== undefined && def.kind !== 'object') base.default = fallback;
  switch (def.kind) {
    case 'number': {
      const s: JsonSchema = { ...base, type: nullableType(def.integer ? 'integer' : 'number', def.nullable) };
      if (def.min !== undefined) s.minimum = def.min;
      if (def.max !== undefined) s.maximum = def.max;
      if (def.exclusiveMin !== undefined) s.exclusiveMinimum = def.exclusiveMin;
      if (def.exclusiveMax !== undefined) s.exclusiveMaximum = def.exclusiveMax;
      return s;
    }
    case 'string':
      return { ...base, type: nullableType('string', def.nullable) };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, enum: def.nullable ? [...def.values, null] : [...def.values] };
    case 'column':
      return { ...base, type: def.nullable ? ['string', 'integer', 'null'] : ['string', 'integer'] };
    case 'array': {
      const s: JsonSchema = { ...base, type: nullableType('array', def.nullable), items: fieldSchema(def.items, defs) };
      if (def.minItems !== undefined) s.minItems = def.minItems;
      return s;
    }
    case 'object':
      return objectSchema(def.fields, def.description, defs);
    case 'tagged':
      return { ...base, ...taggedSchema(def, defs) };
    case 'loose':
      return { ...base, type: 'object' };
    case 'scalar': {
      const scalar = { type: ['string', 'number', 'boolean', 'null'] };
      return def.list ? { ...base, anyOf: [scalar, { type: 'array', items: scalar, minItems: 1 }] } : { ...base, ...scalar };
    }
    case 'map':
      return { ...base, type: nullableType('object', def.nullable), additionalProperties: fieldSchema(def.values, defs) };
  }
}

export function specSchema(): JsonSchema {
  const defs = new Map<string, JsonSchema>();
  const root = fieldSchema(specDefinition, defs);
  const properties = root['properties'] as { [key: string]: JsonSchema };
  const own: { [key: string]: JsonSchema } = {};
  const engine: { [key: string]: JsonSchema } = {};
  for (const [key, schema] of Object.entries(properties)) (ENGINE_SECTIONS.includes(key) ? engine : own)[key] = schema;
  own['producer'] = { ...own['producer'], required: ['command'] };
  const ownNames = Object.fromEntries(Object.keys(own).filter((key) => key !== 'producer').map((key) => [key, {}]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hyperlab.dev/schema/hyperlab.schema.json',
    title: 'Hyperlab experiment spec (*.hyperlab.json)',
    type: 'object',
    description: root['description'],
    properties: own,
    // A spec with a producer section runs a script of its own: its other fields are the script's
    // config, whatever they are. Without one, the engine's sections are checked and nothing else is allowed.
    if: { required: ['producer'] },
    else: { properties: { ...engine, ...ownNames }, additionalProperties: false },
    definitions: Object.fromEntries(defs),
  };
}
