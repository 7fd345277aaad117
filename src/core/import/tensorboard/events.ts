// Decodes TensorBoard Event records (protobuf, with protobufjs over the descriptor generated
// from proto/event.proto) into scalar points: a summary value's `simple_value` (TF1,
// tensorboardX, PyTorch's SummaryWriter), or a rank-0 numeric tensor (TF2's tf.summary.scalar,
// plugin "scalars"). Other summaries (text, images, histograms) are counted and skipped.
import protobuf from 'protobufjs';
import { EVENT_DESCRIPTOR } from './event-descriptor.ts';

const root = protobuf.Root.fromJSON(EVENT_DESCRIPTOR);
const Event = root.lookupType('tensorboard.Event');

export interface ScalarEvent {
  tag: string;
  step: number;
  /** Seconds since the epoch, as the event's wall_time. */
  wallTime: number;
  value: number;
}

interface DecodedTensor {
  dtype?: string;
  tensorShape?: { dim?: { size?: number }[] };
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  int64Val?: number[];
  halfVal?: number[];
  boolVal?: boolean[];
}

interface DecodedEvent {
  wallTime?: number;
  step?: number;
  summary?: { value?: { tag?: string; simpleValue?: number; tensor?: DecodedTensor; metadata?: { pluginData?: { pluginName?: string } } }[] };
}

export interface DecodedScalars {
  scalars: ScalarEvent[];
  /** Summary values that are not scalars (text, images, histograms, non-scalar tensors). */
  skipped: number;
}

export function decodeEvents(records: readonly Uint8Array[]): DecodedScalars {
  const out: DecodedScalars = { scalars: [], skipped: 0 };
  for (const record of records) {
    const event = Event.toObject(Event.decode(record), { longs: Number, enums: String, bytes: Buffer, defaults: false }) as DecodedEvent;
    const values = event.summary?.value;
    if (!values) continue;
    for (const value of values) {
      const number = value.simpleValue !== undefined ? value.simpleValue : value.tensor ? tensorScalar(value.tensor) : undefined;
      if (number === undefined || !value.tag) {
        out.skipped++;
        continue;
      }
      out.scalars.push({ tag: value.tag, step: event.step ?? 0, wallTime: event.wallTime ?? 0, value: number });
    }
  }
  return out;
}

/** The number in a rank-0 (or one-element) numeric tensor, else undefined. */
function tensorScalar(t: DecodedTensor): number | undefined {
  const dims = t.tensorShape?.dim ?? [];
  if (dims.reduce((n, d) => n * (d.size ?? 0), 1) !== 1) return undefined;
  const content = t.tensorContent && t.tensorContent.length > 0 ? Buffer.from(t.tensorContent) : undefined;
  switch (t.dtype ?? 'DT_INVALID') {
    case 'DT_FLOAT': return content ? content.readFloatLE(0) : t.floatVal?.[0];
    case 'DT_DOUBLE': return content ? content.readDoubleLE(0) : t.doubleVal?.[0];
    case 'DT_INT32': case 'DT_INT16': case 'DT_INT8': case 'DT_UINT8': case 'DT_UINT16':
      return content ? readInt(content, t.dtype!) : t.intVal?.[0];
    case 'DT_INT64': return content ? Number(content.readBigInt64LE(0)) : t.int64Val?.[0];
    case 'DT_BOOL': return content ? content[0]! : t.boolVal?.[0] === undefined ? undefined : Number(t.boolVal[0]);
    case 'DT_HALF': return content ? halfToNumber(content.readUInt16LE(0)) : t.halfVal?.[0] === undefined ? undefined : halfToNumber(t.halfVal[0]);
    default: return undefined;
  }
}

function readInt(content: Buffer, dtype: string): number {
  switch (dtype) {
    case 'DT_INT16': return content.readInt16LE(0);
    case 'DT_INT8': return content.readInt8(0);
    case 'DT_UINT8': return content.readUInt8(0);
    case 'DT_UINT16': return content.readUInt16LE(0);
    default: return content.readInt32LE(0);
  }
}

/** IEEE 754 half precision bits → number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
