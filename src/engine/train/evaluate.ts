// Inference over a dataset in eval mode (dropout off, BatchNorm running statistics).
import type { Dataset } from '../data/dataset.ts';
import { sampleSize } from '../data/dataset.ts';
import type { Sequential } from '../nn/sequential.ts';
import { Rng } from '../rng.ts';
import type { Objective } from './objective.ts';

export interface Evaluation {
  loss: number;
  acc: number;
  /** Softmax probabilities, count × classes (for ensembles). */
  probabilities: Float32Array;
}

const EVAL_BATCH = 500;

export function softmaxInto(logits: Float32Array, offset: number, k: number, out: Float32Array, outOffset: number): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, logits[offset + j]!);
  let sum = 0;
  for (let j = 0; j < k; j++) { const e = Math.exp(logits[offset + j]! - max); out[outOffset + j] = e; sum += e; }
  for (let j = 0; j < k; j++) out[outOffset + j] = out[outOffset + j]! / sum;
}

export function evaluate(model: Sequential, data: Dataset, objective: Objective, classes: number): Evaluation {
  const size = sampleSize(data.shape);
  const probabilities = new Float32Array(data.count * classes);
  const ctx = { training: false, rng: new Rng(0) };
  const labels = new Float32Array(EVAL_BATCH);
  let lossSum = 0;
  for (let start = 0; start < data.count; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, data.count - start);
    const x = { data: data.x.subarray(start * size, (start + n) * size), shape: [n, ...data.shape] };
    for (let i = 0; i < n; i++) labels[i] = data.y[start + i]!;
    const logits = model.forward(x, ctx);
    lossSum += objective.compute(logits, labels).loss * n;
    for (let i = 0; i < n; i++) softmaxInto(logits.data, i * classes, classes, probabilities, (start + i) * classes);
  }
  return { loss: data.count ? lossSum / data.count : NaN, acc: accuracy(probabilities, data.y, classes), probabilities };
}

export function argmax(row: Float32Array, offset: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (row[offset + j]! > row[offset + best]!) best = j;
  return best;
}

export function accuracy(scores: Float32Array, labels: Int32Array, k: number): number {
  if (labels.length === 0) return NaN;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmax(scores, i * k, k) === labels[i]) correct++;
  return correct / labels.length;
}

/** confusion[true][predicted]. */
export function confusionMatrix(scores: Float32Array, labels: Int32Array, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]!]![argmax(scores, i * k, k)]!++;
  return m;
}

export function perClassAccuracy(confusion: number[][]): number[] {
  return confusion.map((row, c) => { const total = row.reduce((a, b) => a + b, 0); return total ? row[c]! / total : NaN; });
}
