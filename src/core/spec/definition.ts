// What a `*.hyperlab.json` may contain: every field, its default and what it means. The types in
// types.ts mirror this; a test checks the two agree field for field.
import type { FieldDef, ObjectField, TaggedField } from './fields.ts';
import { executionDefinition } from './execution-definition.ts';
import { producerDefinition } from './producer-definition.ts';
import { searchDefinition } from './search-definition.ts';

export const DATASETS = ['fashion-mnist', 'mnist', 'csv'] as const;
export const NORMALIZATIONS = ['standardize', 'scale', 'none'] as const;
export const ACTIVATIONS = ['relu', 'leakyrelu', 'elu', 'gelu', 'sigmoid', 'tanh'] as const;
export const INIT_SCHEMES = ['he-normal', 'he-uniform', 'glorot-uniform', 'glorot-normal', 'normal', 'uniform'] as const;
export const BIAS_INITS = ['zeros', 'constant'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw', 'adagrad', 'adadelta'] as const;
export const MOMENTUM_FORMS = ['pytorch', 'classic'] as const;
export const SCHEDULES = ['constant', 'step', 'exponential', 'polynomial', 'cosine', 'cyclic'] as const;
export const LOSSES = ['cross-entropy', 'mse', 'bce'] as const;
export const SMOOTHING_FORMS = ['uniform', 'others'] as const;
export const MONITORED_METRICS = ['val.loss', 'val.acc', 'train.loss', 'train.acc'] as const;
export const ASYNC_VARIANTS = ['plain', 'momentum', 'velocity-exchange'] as const;
export const LAYER_TYPES = ['dense', 'conv2d', 'maxpool', 'avgpool', 'flatten', 'residual', 'dropout', 'batchnorm', 'layernorm', 'activation'] as const;

const activationOrNone = {
  kind: 'enum', values: ['none', ...ACTIVATIONS], default: 'none',
  description: 'Activation applied after this layer ("none" = linear output).',
} as const;
const layerInit = {
  kind: 'enum', values: INIT_SCHEMES, default: null, nullable: true,
  description: 'Weight initialization of this layer; null = model.init.weight.',
} as const;

const layer: TaggedField = {
  kind: 'tagged', ref: 'layer', tag: 'type', description: 'One layer; `type` says which.',
  variants: {
    dense: { description: 'Fully connected layer y = xWᵀ + b.', fields: {
      units: { kind: 'number', integer: true, min: 1, default: 10, description: 'Number of outputs.' },
      activation: activationOrNone,
      init: layerInit,
    } },
    conv2d: { description: '2-D convolution over NCHW input.', fields: {
      filters: { kind: 'number', integer: true, min: 1, default: 16, description: 'Output channels.' },
      kernel: { kind: 'number', integer: true, min: 1, default: 3, description: 'Square kernel size.' },
      stride: { kind: 'number', integer: true, min: 1, default: 1, description: 'Stride.' },
      padding: { kind: 'number', integer: true, min: 0, default: 0, description: 'Zero padding on each side.' },
      activation: activationOrNone,
      init: layerInit,
    } },
    maxpool: { description: 'Max pooling.', fields: {
      size: { kind: 'number', integer: true, min: 1, default: 2, description: 'Window size.' },
      stride: { kind: 'number', integer: true, min: 1, default: null, nullable: true, description: 'Stride; null = size.' },
    } },
    avgpool: { description: 'Average pooling.', fields: {
      size: { kind: 'number', integer: true, min: 1, default: 2, description: 'Window size.' },
      stride: { kind: 'number', integer: true, min: 1, default: null, nullable: true, description: 'Stride; null = size.' },
    } },
    flatten: { description: 'Flattens C×H×W to one vector per sample.', fields: {} },
    residual: { description: 'y = skip(x) + f(x), f = the inner layers. skip is the identity when f keeps the shape; when f changes it (a stride, another channel count or width), skip is a learned projection without bias and with He-normal init, named "<block>.proj": a 1×1 conv2d with the block\'s stride (the product of the inner strides) for images, a dense layer for flat features. Inside a block keep "same" padding ((kernel − 1)/2) and keep flatten outside.', fields: {
      layers: { kind: 'array', items: undefined as unknown as FieldDef, default: [], description: 'The inner layers f.' },
    } },
    dropout: { description: 'Inverted dropout: in training zeroes each unit with probability `rate` and scales the rest by 1/(1 − rate); identity at inference.', fields: {
      rate: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.5, description: 'DROP probability (PyTorch\'s p), not the keep probability: 0.2 drops 20% of units.' },
    } },
    batchnorm: { description: 'Batch normalization (per feature, or per channel for conv input); running statistics for inference.', fields: {
      momentum: { kind: 'number', min: 0, max: 1, default: 0.1, description: 'Running-average momentum (PyTorch convention: new = (1 − m)·old + m·batch).' },
      eps: { kind: 'number', exclusiveMin: 0, default: 1e-5, description: 'Added to the variance.' },
    } },
    layernorm: { description: 'Layer normalization over the features of each sample.', fields: {
      eps: { kind: 'number', exclusiveMin: 0, default: 1e-5, description: 'Added to the variance.' },
    } },
    activation: { description: 'An activation function as its own layer.', fields: {
      fn: { kind: 'enum', values: ACTIVATIONS, default: 'relu', description: 'Which activation.' },
      alpha: { kind: 'number', default: null, nullable: true, description: 'Slope for leakyrelu (default 0.01) or scale for elu (default 1); null = the default.' },
    } },
  },
};
// Residual blocks nest layers: close the loop after the definition exists.
(layer.variants.residual!.fields.layers as { items: FieldDef }).items = layer;

const data: ObjectField = { kind: 'object', description: 'Where the samples come from and how they are prepared.', fields: {
  dataset: { kind: 'enum', values: DATASETS, default: 'fashion-mnist', description: 'Which dataset: IDX image sets (fashion-mnist, mnist) or a CSV file.' },
  path: { kind: 'string', default: null, nullable: true, description: 'IDX: folder holding the *-idx?-ubyte(.gz) files (else $HYPERLAB_DATA_DIR, /usr/share/datasets/<dataset>, ~/.cache/hyperlab/datasets/<dataset>). CSV: the file, relative to the spec file.' },
  download: { kind: 'boolean', default: false, description: 'Allow downloading the IDX files from the official address into ~/.cache/hyperlab/datasets when not found locally.' },
  limit: { kind: 'number', integer: true, min: 1, default: null, nullable: true, description: 'Use only the first N training samples; null = all. Which samples validate is fixed by the split seed over the whole training file, whatever the limit, so about N·validationFraction of the N validate.' },
  testLimit: { kind: 'number', integer: true, min: 1, default: null, nullable: true, description: 'Use only the first N test samples; null = all.' },
  validationFraction: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.1, description: 'Fraction of the training samples held out for validation (seeded split).' },
  testFraction: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.2, description: 'CSV only (IDX sets have their own test files): fraction of rows held out as the test set.' },
  splitSeed: { kind: 'number', integer: true, min: 0, default: null, nullable: true, description: 'Seed of the train/validation(/test) split; null = train.seed.' },
  normalization: { kind: 'enum', values: NORMALIZATIONS, default: 'standardize', description: 'scale: images to [0, 1]; standardize: then subtract the training mean and divide by its std (per feature for CSV, global for images); none: raw values.' },
  csv: { kind: 'object', description: 'How to read a CSV dataset.', fields: {
    labelColumn: { kind: 'column', default: -1, description: 'Column holding the class label (header name or 0-based index; -1 = last).' },
    featureColumns: { kind: 'array', items: { kind: 'column', default: null, description: 'A column name or index.' }, default: null, nullable: true, description: 'Feature columns; null = every column but the label.' },
    header: { kind: 'boolean', default: true, description: 'The first line holds column names.' },
    delimiter: { kind: 'string', default: ',', description: 'Field separator.' },
  } },
  augmentation: { kind: 'object', description: 'Random training-time transformations (images only, except noise).', fields: {
    shift: { kind: 'number', integer: true, min: 0, default: 0, description: 'Random shift / crop: pad by this many pixels with zeros and crop back at a random offset.' },
    hflip: { kind: 'boolean', default: false, description: 'Flip horizontally with probability 1/2 (not for digits).' },
    noise: { kind: 'number', min: 0, default: 0, description: 'Std of Gaussian noise added to each (normalized) input value.' },
  } },
} };

const model: ObjectField = { kind: 'object', description: 'The network.', fields: {
  inputShape: { kind: 'array', items: { kind: 'number', integer: true, min: 1, default: null, description: 'A dimension.' }, default: null, nullable: true, description: 'Per-sample input shape; null = from the data ([1, 28, 28] for images, [features] for CSV).' },
  init: { kind: 'object', description: 'Initialization of every layer unless the layer says otherwise.', fields: {
    weight: { kind: 'enum', values: INIT_SCHEMES, default: 'he-normal', description: 'Weight scheme: he-normal N(0, 2/n_in), he-uniform U(±√(6/n_in)), glorot-uniform U(±√(6/(n_in+n_out))), glorot-normal N(0, 2/(n_in+n_out)), normal N(0, std²), uniform U(±bound).' },
    std: { kind: 'number', min: 0, default: 0.1, description: 'Std for "normal" (0.1 = the texts\' σ² = 0.01; 1 = σ² = 1).' },
    bound: { kind: 'number', min: 0, default: 0.05, description: 'Bound a for "uniform": U(−a, a).' },
    bias: { kind: 'enum', values: BIAS_INITS, default: 'zeros', description: 'Bias initialization.' },
    biasValue: { kind: 'number', default: 0, description: 'Bias value when bias is "constant".' },
  } },
  layers: { kind: 'array', items: layer, minItems: 1, description: 'The layers in order. The last one outputs the logits (as many units as classes).',
    default: [
      { type: 'flatten' },
      { type: 'dense', units: 128, activation: 'relu' },
      { type: 'dense', units: 10 },
    ] },
} };

const train: ObjectField = { kind: 'object', description: 'How the weights are fitted.', fields: {
  epochs: { kind: 'number', integer: true, min: 1, default: 10, description: 'Passes over the training set.' },
  batchSize: { kind: 'number', integer: true, min: 1, default: 64, description: 'Samples per step. ≥ the training-set size = full-batch gradient descent; 1 = per-sample SGD.' },
  seed: { kind: 'number', integer: true, min: 0, default: 0, description: 'Seed of initialization, shuffling, dropout and noise: the same spec and seed give the same metrics bit for bit on the same machine and runtime. Across machines the default WebAssembly kernels may differ in the last bits (their relaxed-SIMD build fuses multiply-adds only where the CPU has FMA); HYPERLAB_KERNELS=js gives the same bits on any machine with the same Node/VS Code version.' },
  optimizer: { kind: 'object', description: 'The update rule.', fields: {
    kind: { kind: 'enum', values: OPTIMIZERS, default: 'adam', description: 'sgd: θ ← θ − α g; momentum / nesterov; rmsprop; adam (bias-corrected); adamw: Adam with train.weightDecay applied decoupled (the same as adam with train.weightDecay; set it: it defaults to 0, PyTorch\'s AdamW to 0.01); adagrad; adadelta. PyTorch\'s Adam(weight_decay=λ) is the coupled L2 form: train.l2 = λ.' },
    lr: { kind: 'number', exclusiveMin: 0, default: 0.001, description: 'Base learning rate α (the schedule scales it).' },
    momentum: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.9, description: 'μ for momentum and nesterov.' },
    momentumForm: { kind: 'enum', values: MOMENTUM_FORMS, default: 'pytorch', description: 'pytorch: m ← μm + g, θ ← θ − αm; classic: v ← μv − αg, θ ← θ + v.' },
    beta1: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.9, description: 'Adam/AdamW first-moment decay.' },
    beta2: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.999, description: 'Adam/AdamW second-moment decay.' },
    rho: { kind: 'number', min: 0, exclusiveMax: 1, default: null, nullable: true, description: 'Decay of the squared-gradient average: RMSProp β (PyTorch alpha) and Adadelta ρ; null = PyTorch\'s default (0.99 RMSProp, 0.9 Adadelta).' },
    eps: { kind: 'number', exclusiveMin: 0, default: null, nullable: true, description: 'ε of the denominators; null = PyTorch\'s default (1e-8; Adagrad 1e-10; Adadelta 1e-6).' },
  } },
  schedule: { kind: 'object', description: 'Learning rate over time; t counts steps from 0.', fields: {
    kind: { kind: 'enum', values: SCHEDULES, default: 'constant', description: 'constant; step: ×gamma every stepEpochs epochs; exponential: α₀·gamma^epoch; polynomial: (α₀ − endLr)(1 − t/T)^power + endLr; cosine: endLr + (α₀ − endLr)(1 + cos(πt/T))/2; cyclic: triangular between endLr and α₀ with a half-period of halfPeriod steps.' },
    stepEpochs: { kind: 'number', integer: true, min: 1, default: 10, description: 'step: epochs per period.' },
    gamma: { kind: 'number', exclusiveMin: 0, default: 0.1, description: 'step and exponential: the factor.' },
    power: { kind: 'number', exclusiveMin: 0, default: 1, description: 'polynomial: the power p.' },
    endLr: { kind: 'number', min: 0, default: 0, description: 'polynomial/cosine: final LR; cyclic: the lower bound α_min.' },
    halfPeriod: { kind: 'number', integer: true, min: 1, default: 2000, description: 'cyclic: steps from α_min to α_max.' },
    warmupSteps: { kind: 'number', integer: true, min: 0, default: 0, description: 'Linear warm-up: for t < w the LR is schedule(t)·(t + 1)/w.' },
  } },
  loss: { kind: 'object', description: 'The training objective.', fields: {
    kind: { kind: 'enum', values: LOSSES, default: 'cross-entropy', description: 'cross-entropy: softmax cross-entropy on the logits; mse: against one-hot targets; bce: sigmoid binary cross-entropy against one-hot targets.' },
    labelSmoothing: { kind: 'number', min: 0, exclusiveMax: 1, default: 0, description: 'ε of label smoothing (cross-entropy).' },
    smoothingForm: { kind: 'enum', values: SMOOTHING_FORMS, default: 'uniform', description: 'uniform (PyTorch label_smoothing): true class 1 − ε + ε/k, others ε/k; others (textbook): true class 1 − ε, others ε/(k − 1).' },
  } },
  l1: { kind: 'number', min: 0, default: 0, description: 'λ of the L1 penalty λ‖W‖₁ (weights only, not biases or norm parameters).' },
  l2: { kind: 'number', min: 0, default: 0, description: 'λ of the L2 penalty (λ/2)‖W‖² (weights only), coupled: its gradient λW joins the loss gradient before clipping and the optimizer (so Adam\'s moments rescale it). This is what weight_decay does in PyTorch\'s SGD and Adam.' },
  weightDecay: { kind: 'number', min: 0, default: 0, description: 'Decoupled weight decay θ ← θ − αλθ (AdamW\'s), outside the gradient and the optimizer\'s moments; applied to weights with any optimizer (with plain SGD it equals l2 = λ; with momentum or adaptive optimizers it does not). For PyTorch Adam\'s coupled weight_decay use l2.' },
  clip: { kind: 'object', description: 'Gradient clipping, applied after the penalties and before the update.', fields: {
    norm: { kind: 'number', exclusiveMin: 0, default: null, nullable: true, description: 'Clip by global norm c: g ← c·g/‖g‖ when ‖g‖ > c; null = off.' },
    value: { kind: 'number', exclusiveMin: 0, default: null, nullable: true, description: 'Clip each component to [−c, c]; null = off.' },
  } },
  earlyStopping: { kind: 'object', description: 'Stop when the monitored metric stops improving.', fields: {
    enabled: { kind: 'boolean', default: false, description: 'Turn early stopping on.' },
    metric: { kind: 'enum', values: MONITORED_METRICS, default: 'val.loss', description: 'Metric watched once per epoch (losses should fall, accuracies rise).' },
    patience: { kind: 'number', integer: true, min: 1, default: 5, description: 'Epochs without an improvement of at least minDelta before stopping.' },
    minDelta: { kind: 'number', min: 0, default: 0, description: 'Smallest change that counts as an improvement.' },
    restoreBest: { kind: 'boolean', default: true, description: 'Restore the weights of the best epoch at the end.' },
  } },
  swa: { kind: 'object', description: 'Stochastic weight averaging.', fields: {
    enabled: { kind: 'boolean', default: false, description: 'Turn SWA on.' },
    startEpoch: { kind: 'number', integer: true, min: 1, default: 5, description: 'From this epoch (1-based) on, train at the SWA LR and average the weights at the end of each epoch.' },
    lr: { kind: 'number', exclusiveMin: 0, default: 0.0005, description: 'Constant learning rate during SWA.' },
  } },
  ensemble: { kind: 'object', description: 'Several members trained with different seeds; evaluation averages their softmax outputs.', fields: {
    members: { kind: 'number', integer: true, min: 1, default: 1, description: 'Number of members (seed, seed + 1, ...); 1 = a single model.' },
  } },
  noise: { kind: 'object', description: 'Gaussian noise injected during training.', fields: {
    weights: { kind: 'number', min: 0, default: 0, description: 'Std of noise added to the weights after each step.' },
    inputs: { kind: 'number', min: 0, default: 0, description: 'Std of noise added to each input batch.' },
  } },
  async: { kind: 'object', description: 'Simulated asynchronous training: each update uses the gradient computed `delay` steps earlier.', fields: {
    delay: { kind: 'number', integer: true, min: 0, default: 0, description: 'τ: staleness of the gradient in steps; 0 = synchronous.' },
    variant: { kind: 'enum', values: ASYNC_VARIANTS, default: 'plain', description: 'plain: the optimizer above steps with ∇f(x_{t−τ}) (sgd: x ← x − η∇f(x_{t−τ})); momentum (train.optimizer.kind "sgd" only): v ← m·v − η(1 − m)∇f(x_{t−τ}), x ← x + v; velocity-exchange (sgd only): v ← m·v_{t−τ} − η(1 − m)∇f(x_{t−τ}).' },
    momentum: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.9, description: 'm of the momentum and velocity-exchange variants.' },
  } },
  statsEvery: { kind: 'number', integer: true, min: 0, default: 50, description: 'Per-layer gradient/weight statistics every N steps; 0 = off.' },
  metricsEvery: { kind: 'number', integer: true, min: 1, default: 1, description: 'Send the per-step loss and LR every N steps (1 = every step; raise it for very small batches, e.g. batchSize 1).' },
  checkpoint: { kind: 'object', description: 'safetensors checkpoints.', fields: {
    dir: { kind: 'string', default: null, nullable: true, description: 'Folder for checkpoints; null = $HYPERLAB_RUN_DIR, else none are written.' },
    best: { kind: 'boolean', default: true, description: 'Keep best.safetensors (best validation loss).' },
    last: { kind: 'boolean', default: true, description: 'Keep last.safetensors (end of each epoch).' },
    resumeFrom: { kind: 'string', default: null, nullable: true, description: 'Resume from this checkpoint: weights, optimizer state, step and epoch, the best-checkpoint and early-stopping trackers and the SWA average, so the run goes on as if uninterrupted (the data order and LR schedule follow from the epoch and step).' },
  } },
} };

export const specDefinition: ObjectField = { kind: 'object', description: 'A Hyperlab experiment: data, model, training and (optionally) search.', fields: {
  $schema: { kind: 'string', default: null, nullable: true, description: 'Path or URL of this JSON Schema (for editors).' },
  name: { kind: 'string', default: null, nullable: true, description: 'A short name for the experiment.' },
  description: { kind: 'string', default: null, nullable: true, description: 'Free text.' },
  data,
  model,
  train,
  search: searchDefinition,
  execution: executionDefinition,
  producer: producerDefinition,
} };

export const layerDefinition = layer;
