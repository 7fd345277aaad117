// From the spec's data section to normalized train / validation / test sets.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';
import type { DataSpec } from '../../core/spec/types.ts';
import { parseCsv } from './csv.ts';
import { firstN, type Dataset } from './dataset.ts';
import { readIdxFile } from './idx.ts';
import { locateIdxDataset, type LocateOptions } from './locate.ts';
import { applyNormalizer, fitNormalizer, normalizedZero } from './normalize.ts';
import { holdoutMask, seededSplit, splitFirst } from './split.ts';

export const CLASS_NAMES: Record<'fashion-mnist' | 'mnist', string[]> = {
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

export interface LoadedData {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  classNames: string[];
  /** Per-sample input shape. */
  shape: number[];
  images: boolean;
  /** What a raw 0 becomes after normalization (padding for shifts). */
  background: number;
  /** Where the data came from, for the log. */
  source: string;
}

export interface LoadOptions {
  /** Folder of the spec file: relative data.path values resolve against it. */
  specDir: string;
  /** Fallback split seed (train.seed). */
  seed: number;
  locate?: Partial<LocateOptions>;
}

function idxToDataset(images: { dims: number[]; data: Uint8Array }, labels: { dims: number[]; data: Uint8Array }, source: string): Dataset {
  const [count, h, w] = images.dims as [number, number, number];
  if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new HyperlabError('DATASET_NOT_FOUND', `${source}: images ${images.dims.join('×')} and labels ${labels.dims.join('×')} do not match`,
      'Use the matching images/labels pair of one IDX dataset.');
  }
  return { x: Float32Array.from(images.data), y: Int32Array.from(labels.data), count, shape: [1, h, w] };
}

async function loadRaw(spec: DataSpec, options: LoadOptions, splitSeed: number): Promise<{ trainAll: Dataset; test: Dataset; classNames: string[]; images: boolean; source: string }> {
  const resolved = spec.path === null ? null : path.resolve(options.specDir, spec.path);
  if (spec.dataset === 'csv') {
    const file = resolved!;
    if (!fs.existsSync(file)) {
      throw new HyperlabError('DATASET_NOT_FOUND', `data.path: CSV file ${file} does not exist`, 'Give the CSV file\'s path, relative to the spec file or absolute.');
    }
    const table = parseCsv(fs.readFileSync(file, 'utf8'), spec.csv, file);
    const all: Dataset = { x: table.features, y: table.labels, count: table.rows, shape: [table.featureNames.length] };
    const { kept, held } = seededSplit(all, spec.testFraction, splitSeed + 1);
    return { trainAll: kept, test: held, classNames: table.classNames, images: false, source: file };
  }
  const files = await locateIdxDataset(spec.dataset, { path: resolved, download: spec.download, ...options.locate });
  const trainAll = idxToDataset(readIdxFile(files.trainImages), readIdxFile(files.trainLabels), files.trainImages);
  const test = idxToDataset(readIdxFile(files.testImages), readIdxFile(files.testLabels), files.testImages);
  return { trainAll, test, classNames: CLASS_NAMES[spec.dataset], images: true, source: path.dirname(files.trainImages) };
}

export async function loadData(spec: DataSpec, options: LoadOptions): Promise<LoadedData> {
  const splitSeed = spec.splitSeed ?? options.seed;
  const raw = await loadRaw(spec, options, splitSeed);
  // membership drawn over the whole training file, then the first `limit` samples taken: the
  // split of a sample does not change with data.limit (about limit·validationFraction are held)
  const heldOut = holdoutMask(raw.trainAll.count, spec.validationFraction, splitSeed);
  const { kept: train, held: validation } = splitFirst(raw.trainAll, spec.limit ?? raw.trainAll.count, heldOut);
  const test = firstN(raw.test, spec.testLimit);
  if (train.count === 0) {
    throw new HyperlabError('SPEC_INVALID', `data: no training samples left (limit ${spec.limit}, validationFraction ${spec.validationFraction})`, 'Raise data.limit or lower data.validationFraction.');
  }
  if (spec.validationFraction > 0 && validation.count === 0) {
    throw new HyperlabError('SPEC_INVALID', `data.limit: none of the first ${spec.limit} samples falls in the validation split (validationFraction ${spec.validationFraction})`,
      'Raise data.limit, or set data.validationFraction to 0 to train without a validation set.');
  }
  const normalizer = fitNormalizer(train, spec.normalization, raw.images);
  for (const set of [train, validation, test]) applyNormalizer(set, normalizer);
  return {
    train, validation, test, classNames: raw.classNames, shape: train.shape, images: raw.images,
    background: normalizedZero(normalizer), source: raw.source,
  };
}
