// Where a spec's runs are filed when nothing else names the experiment (the CLI's run, sweep and
// tune, and VS Code's Run Experiment and Run Sweep all use this one rule). No node:path here: the
// spec module is bundled into the webviews too.

/** The spec's name (trimmed), else its file name without `.hyperlab.json` (or `.json`). */
export function specExperiment(name: unknown, specPath: string): string {
  const given = typeof name === 'string' ? name.trim() : '';
  const file = specPath.split(/[\\/]/).pop() ?? specPath;
  return given || file.replace(/(\.hyperlab)?\.json$/, '');
}
