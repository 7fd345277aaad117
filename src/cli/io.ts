// What a command needs from its surroundings, injectable so commands run in-process in tests
// and as the real program in main.ts.

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The folder the CLI program lives in (dist/ when bundled), to find the engine next to it. */
  programDir: string;
  /**
   * Registers a handler for Ctrl-C (SIGINT) and the other signals that ask a program to stop
   * (SIGTERM, SIGHUP) for the duration of a command; returns the unregister function.
   */
  onInterrupt: (handler: (signal: NodeJS.Signals) => void) => () => void;
  /** True when stderr is a terminal (progress redraws in place). */
  stderrIsTTY: boolean;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
