// Where an IDX dataset is found: the spec's data.path, $HYPERLAB_DATA_DIR, Debian's
// dataset package folder, the download cache — and, only when allowed, a fresh download.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';

export type IdxDatasetName = 'fashion-mnist' | 'mnist';
export type IdxPart = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

export const IDX_FILES: Record<IdxPart, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

export const OFFICIAL_URLS: Record<IdxDatasetName, string> = {
  'fashion-mnist': 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  mnist: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
};

export interface LocateOptions {
  /** data.path, already resolved against the spec's folder. */
  path: string | null;
  download: boolean;
  env?: NodeJS.ProcessEnv;
  /** Overridable for tests. */
  systemRoot?: string;
  cacheRoot?: string;
}

export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'hyperlab', 'datasets');
}

/** The file of `part` in `folder`, gzip or raw, or null. */
function findPart(folder: string, part: IdxPart): string | null {
  for (const name of [`${IDX_FILES[part]}.gz`, IDX_FILES[part]]) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

function completeIn(folder: string): Record<IdxPart, string> | null {
  const found = {} as Record<IdxPart, string>;
  for (const part of Object.keys(IDX_FILES) as IdxPart[]) {
    const file = findPart(folder, part);
    if (file === null) return null;
    found[part] = file;
  }
  return found;
}

function candidates(name: IdxDatasetName, options: LocateOptions): { folders: string[]; cache: string } {
  const env = options.env ?? process.env;
  const cache = path.join(options.cacheRoot ?? defaultCacheRoot(env), name);
  const folders: string[] = [];
  const configured = env['HYPERLAB_DATA_DIR'];
  if (configured) folders.push(path.join(configured, name), configured);
  folders.push(path.join(options.systemRoot ?? '/usr/share/datasets', name), cache);
  return { folders, cache };
}

async function download(name: IdxDatasetName, cache: string): Promise<void> {
  fs.mkdirSync(cache, { recursive: true });
  for (const base of Object.values(IDX_FILES)) {
    const url = `${OFFICIAL_URLS[name]}${base}.gz`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const partial = path.join(cache, `${base}.gz.partial`);
    fs.writeFileSync(partial, bytes);
    fs.renameSync(partial, path.join(cache, `${base}.gz`));
  }
}

function absentError(name: IdxDatasetName, folders: string[], cache: string, downloadNote: string): HyperlabError {
  const pkg = name === 'fashion-mnist' ? 'dataset-fashion-mnist' : 'an MNIST dataset package';
  return new HyperlabError('DATASET_NOT_FOUND',
    `dataset "${name}" not found (looked in ${folders.join(', ')})${downloadNote}`,
    `Three ways to get it: (1) set data.path (or $HYPERLAB_DATA_DIR) to a folder holding ${Object.values(IDX_FILES).map((f) => f + '.gz').join(', ')}; ` +
    `(2) install Debian's ${pkg} package (files under /usr/share/datasets/${name}); ` +
    `(3) set data.download to true while online to fetch them from ${OFFICIAL_URLS[name]} into ${cache}.`);
}

/** The four IDX files of the dataset; downloads them only when options.download is set. */
export async function locateIdxDataset(name: IdxDatasetName, options: LocateOptions): Promise<Record<IdxPart, string>> {
  // A data.path the person chose is the only place looked: falling back to another copy would
  // train on data they did not name (a typo in the path trained on the system dataset).
  if (options.path) return locateInChosenFolder(name, options.path);
  const { folders, cache } = candidates(name, options);
  for (const folder of folders) {
    const found = completeIn(folder);
    if (found) return found;
  }
  if (!options.download) throw absentError(name, folders, cache, '');
  try {
    await download(name, cache);
  } catch (error) {
    throw absentError(name, folders, cache, `, and the download failed: ${(error as Error).message}`);
  }
  const found = completeIn(cache);
  if (!found) throw absentError(name, folders, cache, ', and the download left incomplete files');
  return found;
}

function locateInChosenFolder(name: IdxDatasetName, folder: string): Record<IdxPart, string> {
  let stats: fs.Stats | undefined;
  try {
    stats = fs.statSync(folder);
  } catch (error) {
    throw new HyperlabError('DATASET_NOT_FOUND', `data.path ${folder} does not exist (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      `Point data.path (relative to the spec file) at the folder of the four ${name} IDX files, or set it to null to use $HYPERLAB_DATA_DIR or the system dataset.`);
  }
  if (!stats.isDirectory()) {
    throw new HyperlabError('DATASET_NOT_FOUND', `data.path ${folder} is not a folder`, `Point data.path at the folder that holds the ${name} IDX files, not at a file.`);
  }
  const found = completeIn(folder);
  if (found) return found;
  const missing = (Object.keys(IDX_FILES) as IdxPart[]).filter((part) => findPart(folder, part) === null).map((part) => IDX_FILES[part]);
  throw new HyperlabError('DATASET_NOT_FOUND', `data.path ${folder} does not hold the ${name} files: ${missing.join(', ')} (or .gz) missing`,
    'Put the four IDX files there, or set data.path to null to use $HYPERLAB_DATA_DIR or the system dataset.');
}
