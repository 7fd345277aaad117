// A throwaway workspace for the integration and UI tests: one small experiment spec, no store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TINY_SPEC = {
  name: 'tiny-mlp',
  description: 'A small MLP on FashionMNIST (integration tests).',
  data: { dataset: 'fashion-mnist', limit: 512 },
  train: { epochs: 1, batchSize: 64 },
};

export function createWorkspace(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-ws-'));
  fs.writeFileSync(path.join(dir, 'tiny-mlp.hyperlab.json'), `${JSON.stringify(TINY_SPEC, null, 2)}\n`);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
