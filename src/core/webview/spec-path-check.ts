// Before "Open spec" opens a run's stored spec path: the path comes from the store, which any
// producer or an older file may have written, so it is checked like input. It must resolve
// (symlinks followed) to a regular *.hyperlab.json file inside an open workspace folder; the
// resolved path is what gets opened, so a link swapped after the check cannot redirect it.
import fs from 'node:fs';
import path from 'node:path';

export const SPEC_SUFFIX = '.hyperlab.json';

export type SpecPathCheck =
  | { ok: true; path: string }
  | { ok: false; gone: boolean; reason: string; hint: string };

/** The file system calls the check makes (a seam for tests; real ones by default). */
export interface SpecPathFs {
  /** Resolves every symlink; throws when the path does not exist. */
  realpath(p: string): string;
  isFile(p: string): boolean;
}

export const nodeSpecPathFs: SpecPathFs = {
  realpath: (p) => fs.realpathSync.native(p),
  isFile: (p) => fs.statSync(p).isFile(),
};

const HINT = 'Open the experiment\'s *.hyperlab.json from the workspace yourself.';

export function checkSpecPath(stored: string | null, workspaceRoots: readonly string[], files: SpecPathFs = nodeSpecPathFs): SpecPathCheck {
  const refuse = (reason: string, hint = HINT, gone = false): SpecPathCheck => ({ ok: false, gone, reason, hint });
  if (!stored) return refuse('it has no spec file', HINT, true);
  if (!path.isAbsolute(stored)) return refuse(`its spec path ${JSON.stringify(stored)} is not an absolute path`);
  let real: string;
  try {
    real = files.realpath(stored);
  } catch {
    return refuse(`its spec file ${stored} is gone`, HINT, true);
  }
  if (!real.endsWith(SPEC_SUFFIX) || path.basename(real) === SPEC_SUFFIX) {
    return refuse(`its spec path ${stored}${real === stored ? '' : ` (resolved: ${real})`} is not a *${SPEC_SUFFIX} file`);
  }
  if (!files.isFile(real)) return refuse(`its spec path ${real} is not a regular file`);
  const roots: string[] = [];
  for (const root of workspaceRoots) {
    try {
      roots.push(files.realpath(root));
    } catch {
      // a folder that is gone holds nothing
    }
  }
  if (roots.length === 0) return refuse(`no workspace folder is open, and a spec is opened only from inside one (${real})`, 'Open the folder that holds the experiment, then try again.');
  const inside = roots.some((root) => real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  if (!inside) return refuse(`its spec file ${real}${real === stored ? '' : ` (stored as ${stored})`} is outside the workspace folders`);
  return { ok: true, path: real };
}
