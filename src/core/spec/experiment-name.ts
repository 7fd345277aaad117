// Where a spec's runs are filed when nothing else names the experiment (the CLI's run, sweep and
// tune, and VS Code's Run Experiment and Run Sweep all use this one rule). No node:path: the
// webviews reach src/core/spec too (core/webview/panel-data), and they bundle for the browser.

/** The spec's name (trimmed), else its file name without `.hyperlab.json` (or `.json`). */
export function specExperiment(name: unknown, specPath: string): string {
  const given = typeof name === 'string' ? name.trim() : '';
  // The last part of a POSIX or Windows path, as path.basename of either.
  const file = specPath.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? specPath;
  return given || file.replace(/(\.hyperlab)?\.json$/, '');
}
