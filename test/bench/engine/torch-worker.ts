// A long-lived PyTorch worker (test/reference/bench_torch.py) answering one job per line, so
// Hyperlab and PyTorch repetitions can alternate in one invocation.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Workload } from './workloads.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export class TorchWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  constructor(python = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3') {
    this.child = spawn(python, [path.join(root, 'test/reference/bench_torch.py')], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(`[torch] ${d}`));
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async samplesPerSecond(w: Workload, steps: number, warmup: number): Promise<number> {
    this.child.stdin.write(JSON.stringify({ ...w, steps, warmup }) + '\n');
    const next = await this.lines.next();
    if (next.done) throw new Error('the PyTorch worker exited (is python3-torch installed? set HYPERLAB_PYTHON)');
    const answer = JSON.parse(next.value) as { samples_per_s?: number; error?: string };
    if (answer.samples_per_s === undefined) throw new Error(`PyTorch worker: ${answer.error}`);
    return answer.samples_per_s;
  }

  close(): void {
    this.child.stdin.end();
  }
}
