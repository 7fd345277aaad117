// Fine-tuning after pruning, or quantization-aware fine-tuning before INT8/INT4 quantization: a
// run of its own in the store, trained by the engine from the pruned weights, with the pruning
// mask re-applied after every optimizer step and, for QAT, the weights fake-quantized in every
// forward (qat.ts).
import fs from 'node:fs';
import { HyperlabError } from '../core/errors.ts';
import type { Params } from '../core/protocol/messages.ts';
import { runDirectory } from '../core/runner/run-directory.ts';
import { flattenSpec } from '../core/spec/index.ts';
import type { ModelSpec, Spec } from '../core/spec/types.ts';
import type { Store } from '../core/store/types.ts';
import type { Param } from '../engine/nn/types.ts';
import { runExperiment } from '../engine/train/run.ts';
import { applyMask, globalMagnitudeMasks, magnitudeMask } from './prune.ts';
import { fakeQuantSwap, qatOptions, type QatWeight } from './qat.ts';
import { activationFakeQuant, type ActivationRanges } from './qat-activations.ts';
import type { ExportData, SourceRun } from './source.ts';
import type { VariantSpec } from './variants.ts';

export interface FineTuneContext {
  store: Store;
  dbPath: string;
  signal: AbortSignal | undefined;
}

/**
 * Fine-tuning is a run of its own in the store, with curves, linked to the exported run by
 * params "parent.run" and "compress.variant": the engine trains from the pruned weights with the
 * run's optimizer and schedule and re-applies the masks after every optimizer step.
 */
export async function fineTune(o: FineTuneContext, source: SourceRun, data: ExportData, modelSpec: ModelSpec, tensors: Map<string, Float32Array>, masks: Map<string, Uint8Array>, v: VariantSpec, qatWeights: readonly QatWeight[] = [], qatActivations: ActivationRanges | null = null): Promise<{ tensors: Map<string, Float32Array>; runId: number }> {
  const base = source.spec;
  const qat = v.qat > 0;
  const epochs = qat ? v.qat : v.finetune;
  const spec: Spec = {
    ...base, model: modelSpec,
    train: {
      ...base.train, epochs,
      earlyStopping: { ...base.train.earlyStopping, enabled: false }, swa: { ...base.train.swa, enabled: false }, ensemble: { members: 1 },
      checkpoint: { ...base.train.checkpoint, resumeFrom: null, dir: null }, statsEvery: 0,
    },
  };
  const store = o.store;
  const run = store.createRun({
    experiment: source.run.experimentName, name: `${source.run.name || `run ${source.run.id}`} · ${v.label}`,
    params: { ...(flattenSpec(spec) as Params), 'parent.run': source.run.id, 'compress.variant': v.label, ...(qat ? { 'compress.qat': epochs } : {}) },
  });
  store.markRunning(run.id, process.pid);
  const dir = runDirectory(o.dbPath, run.id);
  try {
    const result = await runExperiment({
      spec, specDir: source.specDir, checkpointDir: dir, data: data.data,
      start: {
        tensors,
        // QAT keeps the masks pruning set (it starts from pruned weights); fine-tuning prunes gradually
        afterStep: v.prune?.method === 'magnitude' && !qat ? gradualMasks(masks, v.prune.amount, v.prune.scope, Math.ceil(data.data.train.count / Math.min(spec.train.batchSize, data.data.train.count)) * epochs) : fixedMasks(masks),
        ...(qat ? { swap: fakeQuantSwap(qatWeights, qatOptions(v)) } : {}),
        ...(qat && qatActivations ? { wrapWeighted: activationFakeQuant(qatActivations) } : {}),
      },
      control: { shouldStop: () => o.signal?.aborted ?? false, pause: async () => {} },
      reporter: {
        metrics: (step, epoch, values) => store.appendMetrics(run.id, Object.entries(values).map(([key, value]) => ({ key, step, epoch: epoch ?? null, time: Date.now(), value }))),
        layerStats: () => {},
        log: (level, message) => store.appendLog(run.id, [{ stream: level === 'info' ? 'stdout' : 'stderr', text: message, time: Date.now() }]),
        artifact: (kind, file, meta) => { store.addArtifact(run.id, { kind, path: file, size: fs.statSync(file).size, meta: meta ?? null }); },
      },
    });
    store.endRun(run.id, result.status === 'diverged' ? 'diverged' : 'finished', result.reason ?? null, { ...result.summary, 'parent.run': source.run.id });
    if (o.signal?.aborted) throw new HyperlabError('EXPORT_FAILED', 'export cancelled; nothing was written', 'Run it again when ready.');
    if (result.status === 'diverged') throw new HyperlabError('EXPORT_FAILED', `fine-tuning run ${run.id} diverged: ${result.reason}`, `Export without --${qat ? 'qat' : 'finetune'}, or with fewer epochs.`);
    const model = result.members[0]!.model;
    return { tensors: new Map([...model.params(), ...model.buffers()].map((p) => [p.name, p.value.slice()])), runId: run.id };
  } catch (error) {
    const r = store.getRun(run.id);
    if (r && (r.status === 'running' || r.status === 'queued')) store.endRun(run.id, o.signal?.aborted ? 'killed' : 'failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

function fixedMasks(masks: ReadonlyMap<string, Uint8Array>): (params: readonly Param[]) => void {
  return (params) => { for (const p of params) { const m = masks.get(p.name); if (m) applyMask(p.value, m); } };
}

/**
 * Gradual magnitude pruning (Zhu & Gupta 2017): sparsity s_t = s·(1 − (1 − t/T)³) over the first
 * 60% of the fine-tuning steps, masks recomputed from the current magnitudes 20 times on the
 * way, then the target mask fixed for the rest, so the final sparsity is exactly s (over all
 * layers for global pruning, in each layer otherwise).
 */
function gradualMasks(masks: Map<string, Uint8Array>, target: number, scope: 'global' | 'layer', totalSteps: number): (params: readonly Param[]) => void {
  const ramp = Math.max(1, Math.floor(0.6 * totalSteps));
  const every = Math.max(1, Math.floor(ramp / 20));
  let calls = 0;
  return (params) => {
    const t = calls++; // call 0 is before the first step
    if (t <= ramp && t % every === 0 || t === ramp) {
      const s = t >= ramp ? target : target * (1 - (1 - t / ramp) ** 3);
      const pruned = params.filter((p) => masks.has(p.name));
      if (scope === 'global') for (const [name, m] of globalMagnitudeMasks(new Map(pruned.map((p) => [p.name, p.value])), s)) masks.set(name, m);
      else for (const p of pruned) masks.set(p.name, magnitudeMask(p.value, s));
    }
    for (const p of params) { const m = masks.get(p.name); if (m) applyMask(p.value, m); }
  };
}

