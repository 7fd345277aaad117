// The ONNX protobuf messages through protobufjs, from the official schema (onnx.proto3, compiled
// to onnx-schema.ts). Field names are the schema's own (snake_case).
import protobuf from 'protobufjs/light.js';
import { ONNX_SCHEMA } from './onnx-schema.ts';

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
const ModelProto = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10, BFLOAT16: 16, FLOAT8E4M3FN: 17, FLOAT8E5M2: 19, UINT4: 21, INT4: 22, FLOAT4E2M1: 23,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export interface TensorMessage {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface SparseTensorMessage {
  values: TensorMessage;
  indices: TensorMessage;
  dims: number[];
}

export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface NodeMessage {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeMessage[];
}

export interface DimMessage { dim_value?: number; dim_param?: string }

export interface ValueInfoMessage {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimMessage[] } } };
  doc_string?: string;
}

export interface GraphMessage {
  name: string;
  node: NodeMessage[];
  initializer: TensorMessage[];
  sparse_initializer: SparseTensorMessage[];
  input: ValueInfoMessage[];
  output: ValueInfoMessage[];
  doc_string?: string;
}

export interface ModelMessage {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphMessage;
  metadata_props: { key: string; value: string }[];
}

export function encodeModel(model: ModelMessage): Uint8Array {
  const error = ModelProto.verify(model);
  if (error) throw new Error(`ONNX model does not fit the schema: ${error}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Reads an .onnx file back (tests, the 2:4 check, the report). Longs as numbers, bytes as Uint8Array. */
export function decodeModel(bytes: Uint8Array): ModelMessage {
  const message = ModelProto.decode(bytes);
  return ModelProto.toObject(message, { longs: Number, enums: Number, bytes: Uint8Array, defaults: true, arrays: true }) as unknown as ModelMessage;
}
