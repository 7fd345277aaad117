// The `hyperlab.execution` setting: where runs train when their spec has no execution section of
// its own (on a cluster's login node, every spec to SLURM without editing each). The spec's
// section wins. Pure (no vscode import), so it is unit-tested.
import { HyperlabError } from '../../core/errors.ts';
import { executionSectionProblems } from '../../core/spec/index.ts';
import type { Params } from '../../core/protocol/messages.ts';

export const EXECUTION_SETTING = 'hyperlab.execution';

/** The spec as it will run: with the setting as its execution section when it has none. */
export function withExecutionSetting(spec: Params, setting: unknown): Params {
  if (Object.hasOwn(spec, 'execution') || setting === undefined || setting === null) return spec;
  if (typeof setting === 'object' && !Array.isArray(setting) && Object.keys(setting).length === 0) return spec;
  const problems = executionSectionProblems(setting);
  if (problems.length > 0) {
    throw new HyperlabError('SPEC_INVALID', `The setting ${EXECUTION_SETTING} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      `Fix it in Settings (search "${EXECUTION_SETTING}"), or give the spec an execution section of its own, which wins over the setting.`);
  }
  // A plain copy: VS Code hands settings out as read-only proxies, which structuredClone refuses.
  return { ...spec, execution: JSON.parse(JSON.stringify(setting)) as Params };
}
