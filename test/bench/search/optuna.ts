// Finds a Python with Optuna for the benchmark: the newest Optuna installed from the package
// registry into the benchmark's own virtual environment; where that fails (no network to PyPI),
// the same environment sees Debian's python3-optuna through the system site packages. Says which.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface OptunaPython {
  python: string;
  version: string;
  source: string;
}

const VENV = path.join(os.tmpdir(), 'hyperlab-bench-optuna');

function run(command: string, args: string[], timeoutMs: number): { ok: boolean; out: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

export function findOptuna(log: (line: string) => void): OptunaPython | null {
  const system = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
  const venvPython = path.join(VENV, 'bin', 'python');
  if (!fs.existsSync(venvPython)) {
    const made = run(system, ['-m', 'venv', '--system-site-packages', VENV], 120_000);
    if (!made.ok) log(`could not create a virtual environment (${made.out.split('\n').pop()})`);
  }
  let pipLine = 'no virtual environment';
  if (fs.existsSync(venvPython)) {
    const pip = run(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--timeout', '15', '--retries', '0', '--upgrade', 'optuna'], 180_000);
    pipLine = pip.ok ? 'installed the newest Optuna from PyPI into ' + VENV : `pip install optuna failed: ${pip.out.split('\n').filter(Boolean).pop() ?? 'no output'}`;
  }
  log(pipLine);
  for (const python of [venvPython, system]) {
    if (!fs.existsSync(python)) continue;
    const probe = run(python, ['-c', 'import optuna, sys; print(optuna.__version__); print(optuna.__file__)'], 60_000);
    if (probe.ok) {
      const [version, file] = probe.out.split('\n');
      const source = file!.startsWith('/usr/lib/python3/dist-packages') ? "Debian's python3-optuna" : `PyPI (${path.dirname(file!)})`;
      return { python, version: version!, source };
    }
  }
  log("no Optuna found: install Debian's python3-optuna (apt-get install -y python3-optuna) or give PyPI access; running Hyperlab's side only");
  return null;
}
