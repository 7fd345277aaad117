// The vocabulary the spec is described in. One description drives validation, defaults and the
// JSON Schema, so the editor and the engine can never disagree about what a field accepts.

interface FieldBase {
  description: string;
}

export interface NumberField extends FieldBase {
  kind: 'number';
  default: number | null;
  integer?: boolean;
  min?: number;
  /** Strictly greater than. */
  exclusiveMin?: number;
  max?: number;
  /** Strictly less than. */
  exclusiveMax?: number;
  nullable?: boolean;
}

export interface StringField extends FieldBase {
  kind: 'string';
  default: string | null;
  nullable?: boolean;
}

export interface BooleanField extends FieldBase {
  kind: 'boolean';
  default: boolean;
}

export interface EnumField extends FieldBase {
  kind: 'enum';
  values: readonly string[];
  default: string | null;
  nullable?: boolean;
}

/** A CSV column: its header name or its 0-based index. */
export interface ColumnField extends FieldBase {
  kind: 'column';
  default: string | number | null;
  nullable?: boolean;
}

export interface ArrayField extends FieldBase {
  kind: 'array';
  items: FieldDef;
  default: unknown[] | null;
  nullable?: boolean;
  minItems?: number;
}

export interface ObjectField extends FieldBase {
  kind: 'object';
  fields: { [name: string]: FieldDef };
  /** Absent stays absent (no defaults filled in); present, it is checked and completed. */
  optional?: boolean;
}

/** Any JSON scalar (string, number, boolean, null); with `list`, also an array of scalars. */
export interface ScalarField extends FieldBase {
  kind: 'scalar';
  default: null;
  list?: boolean;
}

/** An object whose keys are free (search parameters by dotted path) and whose values share one shape. */
export interface MapField extends FieldBase {
  kind: 'map';
  values: FieldDef;
  default: { [key: string]: unknown } | null;
  nullable?: boolean;
}

/** One of several object shapes told apart by a tag field (layers: `{"type": "dense", ...}`). */
export interface TaggedField extends FieldBase {
  kind: 'tagged';
  /** Name under the schema's definitions, so recursive shapes (residual blocks) stay finite. */
  ref: string;
  tag: string;
  variants: { [tagValue: string]: { description: string; fields: { [name: string]: FieldDef } } };
}

/** Accepted as any JSON object; checked by whoever owns it (the search section). */
export interface LooseField extends FieldBase {
  kind: 'loose';
}

export type FieldDef =
  | NumberField
  | StringField
  | BooleanField
  | EnumField
  | ColumnField
  | ArrayField
  | ObjectField
  | ScalarField
  | MapField
  | TaggedField
  | LooseField;
