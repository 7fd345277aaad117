// What the store makes of a producer's RunIdentity (its hello's init(experiment=, name=, tags=)):
// the same for a local run (runner/supervisor.ts), a SLURM job's channel (slurm/channel-ingest.ts)
// and an inbox file (inbox/apply-messages.ts).
import type { RunIdentity } from './messages.ts';

/** Which of its names the host lets the script give its run (a producer spec, a command run without --experiment/--name). */
export interface NamesRun { experiment?: boolean; name?: boolean }

/** The experiment and name to file the run under, of those the host lets the script give; null when none. */
export function namedPlace(identity: RunIdentity, namesRun: NamesRun | undefined): { experiment?: string; name?: string } | null {
  const where = {
    ...(namesRun?.experiment && identity.experiment ? { experiment: identity.experiment } : {}),
    ...(namesRun?.name && identity.name ? { name: identity.name } : {}),
  };
  return where.experiment !== undefined || where.name !== undefined ? where : null;
}

/** The script's tags as the store keeps them (a tag is a key without a value); null when it gave none. */
export function tagRecord(tags: readonly string[] | undefined): Record<string, string> | null {
  return tags?.length ? Object.fromEntries(tags.map((tag) => [tag, ''])) : null;
}
