// A training checkpoint as safetensors: parameters and buffers under their own names (PyTorch
// state_dict style), optimizer slots under "optimizer.<key>", and metadata holding the spec,
// step and epoch as strings (safetensors metadata values must be strings), plus what the loop
// needs to resume exactly (CheckpointExtras).
import type { Spec } from '../../core/spec/types.ts';
import type { Sequential } from '../nn/sequential.ts';
import type { Optimizer } from '../nn/types.ts';
import { readSafetensors, writeSafetensors, type NamedTensor } from './safetensors.ts';
import { HyperlabError } from '../../core/errors.ts';

const OPTIMIZER_PREFIX = 'optimizer.';

export interface CheckpointInfo {
  step: number;
  /** Epochs completed. */
  epoch: number;
  member: number;
}

/** What else the training loop keeps to resume exactly (tracker states, SWA sums, best weights). */
export interface CheckpointExtras {
  metadata?: Record<string, string>;
  tensors?: readonly NamedTensor[];
}

export interface LoadedCheckpoint extends CheckpointInfo {
  metadata: Record<string, string>;
  /** Whether the optimizer's slots were restored; 'dropped: why' when they did not fit the optimizer resumed with. */
  optimizerState: 'loaded' | 'none' | `dropped: ${string}`;
  tensors: Map<string, NamedTensor>;
}

export function saveCheckpoint(file: string, model: Sequential, optimizer: Optimizer, spec: Spec, info: CheckpointInfo, extra: CheckpointExtras = {}): void {
  const tensors: NamedTensor[] = [
    ...model.params().map((p) => ({ name: p.name, shape: p.shape, data: p.value })),
    ...model.buffers().map((b) => ({ name: b.name, shape: b.shape, data: b.value })),
    ...[...optimizer.state()].map(([key, data]) => ({ name: OPTIMIZER_PREFIX + key, shape: [data.length], data })),
    ...(extra.tensors ?? []),
  ];
  writeSafetensors(file, tensors, {
    format: 'hyperlab-checkpoint-1',
    spec: JSON.stringify(spec),
    step: String(info.step),
    epoch: String(info.epoch),
    member: String(info.member),
    optimizer: optimizer.kind,
    ...extra.metadata,
  });
}

/** Loads weights, buffers and optimizer state into an already built model; returns where training stood. */
export function loadCheckpoint(file: string, model: Sequential, optimizer: Optimizer): LoadedCheckpoint {
  const { tensors, metadata } = readSafetensors(file);
  for (const item of [...model.params(), ...model.buffers()]) {
    const t = tensors.get(item.name);
    if (!t || !(t.data instanceof Float32Array) || t.data.length !== item.value.length) {
      throw new HyperlabError('SPEC_INVALID', `checkpoint ${file} ${t ? `has ${t.data.length} values for ${item.name}, the model ${item.value.length}` : `lacks ${item.name}`}`,
        'Resume with the spec the checkpoint was trained with (it is stored in the checkpoint\'s metadata).');
    }
    item.value.set(t.data);
  }
  const state = new Map<string, Float32Array>();
  for (const [name, t] of tensors) if (name.startsWith(OPTIMIZER_PREFIX) && t.data instanceof Float32Array) state.set(name.slice(OPTIMIZER_PREFIX.length), t.data);
  let optimizerState: LoadedCheckpoint['optimizerState'] = 'none';
  if (state.size > 0) {
    try {
      optimizer.loadState(state);
      optimizerState = 'loaded';
    } catch (error) {
      // Resumed with another optimizer (PBT can switch train.optimizer.kind): its slots do not
      // fit, so it starts from fresh slots on the checkpoint's weights instead of failing.
      if (!(error instanceof HyperlabError)) throw error;
      optimizer.loadState(new Map());
      optimizerState = `dropped: ${error.message}`;
    }
  }
  return { step: Number(metadata['step'] ?? 0), epoch: Number(metadata['epoch'] ?? 0), member: Number(metadata['member'] ?? 0), metadata, tensors, optimizerState };
}
