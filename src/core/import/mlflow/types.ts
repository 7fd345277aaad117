// One MLflow run as both MLflow stores (the sqlite database and the mlruns/ file store) hold it.

export interface MlflowMetric {
  key: string;
  value: number;
  /** ms since the epoch */
  timestamp: number;
  step: number;
}

export interface MlflowRun {
  runId: string;
  experiment: string;
  name: string;
  /** RUNNING, SCHEDULED, FINISHED, FAILED or KILLED */
  status: string;
  startTime: number | null;
  endTime: number | null;
  params: [string, string][];
  tags: [string, string][];
  metrics: MlflowMetric[];
}

/** MLflow's RunStatus enum, as the file store writes it. */
export const STATUS_BY_NUMBER: { [n: string]: string } = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };
