// Importers of the history users already have: TensorBoard event files and MLflow stores.
export { importTensorBoard } from './tensorboard/import.ts';
export { importMlflow } from './mlflow/import.ts';
export { SOURCE_TAG, type ImportReport } from './report.ts';
