// The spec's `producer` section: the command a spec runs instead of Hyperlab's engine (see
// producer.ts for what the rest of such a spec means). Its own file: definition.ts includes it.
import type { ObjectField } from './fields.ts';

export const producerDefinition: ObjectField = { kind: 'object', optional: true,
  description: 'Run your own script instead of Hyperlab\'s engine. Every other field of this spec that is not Hyperlab\'s own (name, description, search, ...) is the script\'s config: it reaches the script as HYPERLAB_PARAMS (JSON; the Python client merges it into run.config) with the run\'s overrides applied, and is not checked against the engine\'s fields. The run records the params the script reports, and is filed under the experiment the script names in hyperlab.init(experiment=...), else this spec\'s.',
  fields: {
    command: { kind: 'string', default: null, nullable: true, description: 'The program to run (required): a name on PATH (python3) or a path relative to cwd.' },
    args: { kind: 'array', items: { kind: 'string', default: null, description: 'An argument.' }, default: [], description: 'Its arguments, e.g. ["train.py", "--fast"].' },
    cwd: { kind: 'string', default: null, nullable: true, description: 'Working directory, relative to this spec\'s folder; null = the spec\'s folder.' },
    env: { kind: 'map', values: { kind: 'string', default: null, description: 'A value.' }, default: {}, description: 'Environment variables set over the environment Hyperlab runs in (HYPERLAB_PARAMS, HYPERLAB_CHANNEL_FD and HYPERLAB_RUN_DIR are Hyperlab\'s).' },
  } };
