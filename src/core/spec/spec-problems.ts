// Every problem of a spec file's text with where it is: for the editor's Problems panel (as
// errors: a spec that fails here will not run) and anything else that points at a field.
import { locateJsonPath } from './json-locate.ts';
import { specProblemList } from './index.ts';

export interface SpecProblem {
  /** Dotted path of the field ('' for the whole file). */
  path: string;
  message: string;
  /** Where to underline: the field's key, or the nearest enclosing object that exists. */
  offset: number;
  length: number;
}

export function specProblems(text: string): SpecProblem[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // The editor's own JSON checker underlines syntax errors; one entry keeps the count honest.
    const at = /position (\d+)/.exec((error as Error).message);
    const offset = at ? Math.min(Number(at[1]), Math.max(0, text.length - 1)) : 0;
    return [{ path: '', message: `not valid JSON: ${(error as Error).message}`, offset, length: 1 }];
  }
  return specProblemList(raw).map((problem) => {
    const colon = problem.indexOf(': ');
    const path = colon > 0 && !problem.slice(0, colon).includes(' ') ? problem.slice(0, colon) : '';
    const message = path ? problem.slice(colon + 2) : problem;
    const segments = path === '' ? [] : path.split('.');
    const found = locateJsonPath(text, segments);
    const key = found.depth === segments.length && segments.length > 0 ? segments[segments.length - 1]! : null;
    return { path, message: path ? `${path}: ${message}` : message, offset: found.offset, length: key ? JSON.stringify(key).length : 1 };
  });
}
