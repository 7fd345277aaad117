// Builds one ONNX graph node by node: unique value names, initializers as little-endian raw
// data, typed inputs and outputs with a symbolic batch dimension, and the model around it.
import { AttributeType, DataType, encodeModel, type AttributeMessage, type DataTypeCode, type NodeMessage, type SparseTensorMessage, type TensorMessage, type ValueInfoMessage } from './onnx-proto.ts';

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

function attribute(name: string, value: AttributeValue): AttributeMessage {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.FLOATS, floats: value.floats };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

export function valueInfo(name: string, elemType: DataTypeCode, dims: readonly (number | string)[]): ValueInfoMessage {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}

export interface ModelOptions {
  opset: number;
  irVersion: number;
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
}

export class OnnxGraph {
  readonly name: string;
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly sparse: SparseTensorMessage[] = [];
  private readonly inputs: ValueInfoMessage[] = [];
  private readonly outputs: ValueInfoMessage[] = [];
  private readonly used = new Set<string>();

  constructor(name: string) {
    this.name = name;
  }

  /** A name not used yet, from `base` ("dense1.weight", then "dense1.weight_1", ...). */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  input(name: string, elemType: DataTypeCode, dims: readonly (number | string)[]): string {
    const n = this.fresh(name);
    this.inputs.push(valueInfo(n, elemType, dims));
    return n;
  }

  /** Declares an existing value as a graph output. */
  output(value: string, elemType: DataTypeCode, dims: readonly (number | string)[]): void {
    this.outputs.push(valueInfo(value, elemType, dims));
  }

  /** An initializer from raw little-endian bytes (the caller packs int4/fp8/fp16). */
  initializerRaw(name: string, dataType: DataTypeCode, dims: readonly number[], raw: Uint8Array): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims: [...dims], data_type: dataType, raw_data: raw });
    return n;
  }

  initializer(name: string, dims: readonly number[], data: Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array, dataType?: DataTypeCode): string {
    const type = dataType ?? (data instanceof Float32Array ? DataType.FLOAT : data instanceof Int8Array ? DataType.INT8 : data instanceof Uint8Array ? DataType.UINT8
      : data instanceof Int32Array ? DataType.INT32 : data instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT16);
    return this.initializerRaw(name, type, dims, bytesOf(data));
  }

  /** A float tensor stored as COO (flat int64 indices of the non-zeros): ORT densifies it on load. */
  sparseInitializer(name: string, dims: readonly number[], data: Float32Array): string {
    const n = this.fresh(name);
    let nnz = 0;
    for (const v of data) if (v !== 0) nnz++;
    const values = new Float32Array(nnz);
    const indices = new BigInt64Array(nnz);
    for (let i = 0, k = 0; i < data.length; i++) if (data[i] !== 0) { values[k] = data[i]!; indices[k++] = BigInt(i); }
    this.sparse.push({
      dims: [...dims],
      values: { name: n, dims: [nnz], data_type: DataType.FLOAT, raw_data: bytesOf(values) },
      indices: { name: `${n}.indices`, dims: [nnz], data_type: DataType.INT64, raw_data: bytesOf(indices) },
    });
    return n;
  }

  scalar(name: string, value: number): string {
    return this.initializer(name, [], new Float32Array([value]));
  }

  ints(name: string, values: readonly number[]): string {
    return this.initializer(name, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** Adds a node; returns its first output's name (fresh from `outputName`). */
  node(opType: string, inputs: readonly string[], outputName: string, attrs: Record<string, AttributeValue> = {}, domain = ''): string {
    const out = this.fresh(outputName);
    this.nodes.push({
      name: this.fresh(`${outputName}.${opType}`), op_type: opType, input: [...inputs], output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)), ...(domain ? { domain } : {}),
    });
    return out;
  }

  encode(options: ModelOptions): Uint8Array {
    return encodeModel({
      ir_version: options.irVersion,
      opset_import: [{ domain: '', version: options.opset }],
      producer_name: 'hyperlab',
      producer_version: options.producerVersion,
      doc_string: options.docString,
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, sparse_initializer: this.sparse, input: this.inputs, output: this.outputs },
      metadata_props: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
    });
  }
}
