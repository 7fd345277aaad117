// Runs an exported model in ONNX Runtime (onnxruntime-node, CPU): logits over a dataset and
// latency per batch. Loaded on first use, so commands that do not export never load it.
import type { InferenceSession } from 'onnxruntime-node';
import { HyperlabError } from '../core/errors.ts';
import { sampleSize, type Dataset } from '../engine/data/dataset.ts';
import { INPUT_NAME, OUTPUT_NAME } from './emit-onnx.ts';

type Ort = typeof import('onnxruntime-node');
let ort: Ort | null = null;

async function runtime(): Promise<Ort> {
  if (ort) return ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (error) {
    throw new HyperlabError('EXPORT_FAILED', `ONNX Runtime (onnxruntime-node) does not load: ${(error as Error).message}`,
      'Install it beside Hyperlab: npm install --ignore-scripts onnxruntime-node (its CPU binaries ship in the package).');
  }
  return ort;
}

export interface OrtModel {
  session: InferenceSession;
  run(data: Dataset, classes: number, batch?: number): Promise<Float32Array>;
  /** Median wall time of one run() call on `batch` samples, in milliseconds. */
  latency(data: Dataset, batch: number, repeats: number): Promise<number>;
  release(): Promise<void>;
}

/** One intra-op thread: the figures compare variants on a shared machine, not peak throughput. */
export async function loadOrtModel(bytes: Uint8Array, what: string): Promise<OrtModel> {
  const o = await runtime();
  let session: InferenceSession;
  try {
    session = await o.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  } catch (error) {
    throw new HyperlabError('EXPORT_FAILED', `ONNX Runtime cannot load ${what}: ${(error as Error).message}`, 'This is a bug in the exporter for this variant; export the other variants without it.');
  }
  const feed = (data: Dataset, start: number, n: number) => {
    const size = sampleSize(data.shape);
    return { [INPUT_NAME]: new o.Tensor('float32', data.x.slice(start * size, (start + n) * size), [n, ...data.shape]) };
  };
  return {
    session,
    async run(data, classes, batch = 1000) {
      const out = new Float32Array(data.count * classes);
      for (let start = 0; start < data.count; start += batch) {
        const n = Math.min(batch, data.count - start);
        const result = await session.run(feed(data, start, n));
        out.set(result[OUTPUT_NAME]!.data as Float32Array, start * classes);
      }
      return out;
    },
    async latency(data, batch, repeats) {
      const input = feed(data, 0, Math.min(batch, data.count));
      await session.run(input); // warm-up: first run allocates
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        await session.run(input);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)]!;
    },
    release: () => session.release(),
  };
}
