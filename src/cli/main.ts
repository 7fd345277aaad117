// The `hyperlab` program: wires the real process (argv, stdio, Ctrl-C) to the dispatcher.
// Bundled to dist/cli.cjs; also runs from source (node src/cli/main.ts) on Node 24.
import { runCli } from './cli.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// `hyperlab runs export --csv | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// No top-level await: the bundle is CommonJS.
void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  programDir: import.meta.dirname,
  stderrIsTTY: process.stderr.isTTY === true,
  // SIGTERM (kill PID, Stop Run in VS Code, a CI job cancelled) and SIGHUP (the terminal closed)
  // would otherwise end this process at once and leave its run 'running' in the store. Windows
  // delivers SIGINT and SIGHUP (console closed) only; listening for SIGTERM there is harmless.
  onInterrupt: (handler) => {
    for (const signal of STOP_SIGNALS) process.on(signal, handler);
    return () => {
      for (const signal of STOP_SIGNALS) process.off(signal, handler);
    };
  },
}).then((code) => {
  process.exitCode = code;
});
