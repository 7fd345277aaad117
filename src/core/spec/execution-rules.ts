// Rules of the execution section beyond each field's own type: a SLURM time limit's format.
// Both kinds of spec have the section (an engine spec, and one with a producer section).
import type { ExecutionSpec } from './types.ts';

export function executionProblems(execution: ExecutionSpec | undefined): string[] {
  if (!execution) return [];
  const problems: string[] = [];
  const time = timeProblem(execution.time);
  if (time) problems.push(time);
  return problems;
}

/** SLURM's --time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED. */
function timeProblem(time: string | null): string | null {
  if (time === null) return null;
  const ok = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i.test(time.trim());
  return ok ? null : `execution.time: ${JSON.stringify(time)} is not a SLURM time limit; expected minutes ("30"), "H:MM:SS" ("1:30:00") or "D-HH:MM:SS" ("2-00:00:00")`;
}
