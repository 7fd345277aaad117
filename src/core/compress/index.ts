// The compression core: pruning and quantization arithmetic, pure TypeScript with no engine or
// editor imports (the export code bridges the engine's model to these types). One module per
// method; see each file's comment for its rules.
export * from './types.ts';
export { compressError } from './errors.ts';
export { checkTensor, elementCount, groupLayout, type GroupLayout } from './groups.ts';
export { roundHalfEven } from './round.ts';
export { pruneCount, pruneMagnitude, pruneMagnitudeGlobal, applyMask } from './prune-magnitude.ts';
export { pruneNM, checkNM, type NMCheck } from './prune-nm.ts';
export { unitNorms, selectUnits, unitMask } from './prune-structured.ts';
export { shrinkChain } from './shrink-chain.ts';
export { iterativeSparsities, polynomialSparsity, type IterativeSpacing, type PolynomialSchedule } from './schedule.ts';
export { sparsityReport } from './sparsity.ts';
export { MIN_SCALE, integerRange, linearParams, quantizeValue, dequantizeValue, quantizeLinear, quantizeWithParams, packNibbles, unpackNibbles, type LinearOptions, type LinearParams } from './linear.ts';
export { FLOAT_FORMATS, encodeFloat, decodeFloat, roundToFormat, type FloatFormatInfo } from './float-formats.ts';
export { quantizeFloat, type FloatQuantOptions, type FloatScaling } from './float-quant.ts';
export { quantizeKMeans, codebookGradient, type KMeansOptions } from './kmeans.ts';
export { quantizeBinary, quantizeTernary, TERNARY_THRESHOLD_FACTOR } from './binary-ternary.ts';
export { dequantize } from './dequantize.ts';
export { CALIBRATION_BINS, EMPTY_RANGE, observeMinMax, emptyHistogram, addToHistogram, minMaxRange, percentileThreshold, percentileRange, entropyThreshold, entropyRange, type ObservedRange, type EntropyResult } from './calibration.ts';
export { fakeQuantize, straightThroughGradient, fakeQuantizeWeights, fakeQuantizeActivations, type FakeQuantResult } from './fake-quant.ts';
export { rawData, asLinear } from './onnx-layout.ts';
export { quantizeTensor, bitsPerWeight, type QuantizeSpec } from './quantize-spec.ts';
