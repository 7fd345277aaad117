// Starts a real VS Code server (code-server) headless on a free loopback port, with throwaway
// user-data, extensions and XDG folders, and stops its whole process group afterwards.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const VSCODE_ROOT = process.env.HYPERLAB_VSCODE_ROOT ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vscode-e2e');
const CODE_SERVER = path.join(VSCODE_ROOT, 'cs', 'node_modules', '.bin', 'code-server');

/** Settings that keep the workbench quiet and the same on every run. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  // The empty secondary side bar (chat) would take a third of every screenshot.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServer {
  baseUrl: string;
  /** The throwaway folder: user-data (with the window and extension host logs), extensions, XDG. */
  dir: string;
  /** The server's log (code-server's stdout and stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export function codeServerInstalled(): boolean {
  return fs.existsSync(CODE_SERVER);
}

export interface CodeServerOptions {
  env?: NodeJS.ProcessEnv;
  /** A .vsix to install into the throwaway extensions folder before the server starts. */
  installVsix?: string;
  /** Enable Workspace Trust: folders open in Restricted Mode (no prompt). Default: trust off. */
  workspaceTrust?: boolean;
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  if (!codeServerInstalled()) throw new Error(`code-server is not installed at ${CODE_SERVER}: run bash test/e2e/setup-vscode.sh`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-vscode-'));
  fs.mkdirSync(path.join(dir, 'user-data', 'User'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'extensions'));
  const trust = options.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false }
    : {};
  fs.writeFileSync(path.join(dir, 'user-data', 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...trust }, null, 2));
  fs.writeFileSync(path.join(dir, 'config.yaml'), '');
  const logFile = path.join(dir, 'code-server.log');
  const out = fs.openSync(logFile, 'w');
  const xdg = path.join(dir, 'xdg');
  // The extension host runs on the first `node` on PATH: this Node 24, the ABI our native module is built for.
  const env = { ...process.env, ...options.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg };
  if (options.installVsix) {
    const installed = spawnSync(CODE_SERVER, ['--install-extension', options.installVsix, '--force',
      '--user-data-dir', path.join(dir, 'user-data'), '--extensions-dir', path.join(dir, 'extensions')], { env, encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`installing ${options.installVsix} failed:\n${installed.stdout}\n${installed.stderr}`);
  }
  const child = spawn(CODE_SERVER, [
    '--config', path.join(dir, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--reconnection-grace-time', '1', '--ignore-last-opened',
    '--user-data-dir', path.join(dir, 'user-data'), '--extensions-dir', path.join(dir, 'extensions'),
    // Enables the extensionDevelopmentPath/extensionTestsPath payload and window.driver.
    '--vscode-option', 'enable-smoke-test-driver',
  ], { env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = false;
  child.on('exit', () => { exited = true; });
  const log = () => fs.readFileSync(logFile, 'utf8');
  const stop = async () => {
    if (!exited && child.pid) {
      signalGroup(child.pid, 'SIGTERM');
      await waitFor(() => exited, 5000);
      if (!exited) signalGroup(child.pid, 'SIGKILL');
    }
    if (!process.env.HYPERLAB_KEEP_VSCODE_DIR) fs.rmSync(dir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const healthy = await waitForAsync(async () => !exited && (await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)), 30_000);
  if (!healthy) {
    const text = log();
    await stop();
    throw new Error(`code-server did not start on ${baseUrl}:\n${text.slice(-3000)}`);
  }
  return { baseUrl, dir, log, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(done: () => boolean, ms: number): Promise<boolean> {
  return waitForAsync(async () => done(), ms);
}

async function waitForAsync(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return done();
}
