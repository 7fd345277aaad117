// Problems of open *.hyperlab.json files as errors in the Problems panel, from the same validator
// the engine runs (VS Code's JSON schema check reports them as warnings only, and a spec with
// such a "warning" does not run). Updated as the file is edited, cleared when it is closed.
import * as vscode from 'vscode';
import { specProblems } from '../../core/spec/spec-problems.ts';
import { SPEC_SUFFIX } from '../runs/specFiles.ts';

const DELAY_MS = 300;

export class SpecDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('hyperlab');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.check(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.collection.delete(doc.uri)),
    ];
    for (const doc of vscode.workspace.textDocuments) this.check(doc);
  }

  check(doc: vscode.TextDocument): void {
    if (!isSpec(doc)) return;
    const text = doc.getText();
    this.collection.set(doc.uri, specProblems(text).map((problem) => {
      const start = doc.positionAt(problem.offset);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(start, doc.positionAt(problem.offset + problem.length)), problem.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'Hyperlab';
      return diagnostic;
    }));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isSpec(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.check(doc);
    }, DELAY_MS));
  }
}

function isSpec(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && doc.uri.path.endsWith(SPEC_SUFFIX);
}
