// The benchmark's objective functions (the same formulas as optuna_side.py): Branin (2-D),
// Hartmann-6, Rosenbrock in 10 dimensions, and Hartmann-6 observed through Gaussian noise.
import type { Params, SearchSpace } from '../../../src/core/search/types.ts';

export interface BenchFunction {
  name: string;
  space: SearchSpace;
  /** The value the sampler sees. */
  observe(p: Params, noise: () => number): number;
  /** The noise-free value (what is reported for the best observed trial). */
  truth(p: Params): number;
  optimum: number;
}

function box(dimensions: number, low: number, high: number): SearchSpace {
  return Array.from({ length: dimensions }, (_, i) => ({ path: `x${i}`, dist: { type: 'uniform' as const, low, high, step: null }, condition: null }));
}

function vector(p: Params, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => p[`x${i}`] as number);
}

export function branin([x, y]: number[]): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (y! - b * x! * x! + c * x! - 6) ** 2 + 10 * (1 - t) * Math.cos(x!) + 10;
}

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]];

export function hartmann6(x: number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H_A[i]![j]! * (x[j]! - H_P[i]![j]! * 1e-4) ** 2;
    sum += H_ALPHA[i]! * Math.exp(-inner);
  }
  return -sum;
}

export function rosenbrock(x: number[]): number {
  let sum = 0;
  for (let i = 0; i < x.length - 1; i++) sum += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return sum;
}

export const NOISE_STD = 0.1;

export const FUNCTIONS: BenchFunction[] = [
  { name: 'Branin (2-D)', space: box(2, 0, 1).map((d, i) => ({ ...d, dist: i === 0 ? { type: 'uniform', low: -5, high: 10, step: null } : { type: 'uniform', low: 0, high: 15, step: null } })),
    observe: (p) => branin(vector(p, 2)), truth: (p) => branin(vector(p, 2)), optimum: 0.397887 },
  { name: 'Hartmann-6', space: box(6, 0, 1), observe: (p) => hartmann6(vector(p, 6)), truth: (p) => hartmann6(vector(p, 6)), optimum: -3.32237 },
  { name: 'Rosenbrock (10-D)', space: box(10, -5, 10), observe: (p) => rosenbrock(vector(p, 10)), truth: (p) => rosenbrock(vector(p, 10)), optimum: 0 },
  { name: `Hartmann-6 + noise σ=${NOISE_STD}`, space: box(6, 0, 1), observe: (p, noise) => hartmann6(vector(p, 6)) + NOISE_STD * noise(), truth: (p) => hartmann6(vector(p, 6)), optimum: -3.32237 },
];
