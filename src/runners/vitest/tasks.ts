/**
 * Vitest's tasks as the worker sees them (the same in Vitest 3 and 4): suites with their hooks
 * (`getHooks`), tests with their function (`getFn`/`setFn`), each already wrapped by Vitest with
 * its timeout. Wrapping those once more tells when each test or hook runs — the range of frames it
 * starts — and when it fails: a timeout is a rejection with Vitest's "timed out in" error.
 */

export interface Task {
  type: string;
  name: string;
  suite?: Task;
  file?: Task;
  /** On suites and files. */
  tasks?: Task[];
}

export type HookName = 'beforeAll' | 'afterAll' | 'beforeEach' | 'afterEach';
export const HOOK_NAMES: readonly HookName[] = ['beforeAll', 'beforeEach', 'afterEach', 'afterAll'];

export interface SuiteApi {
  getHooks(suite: Task): Partial<Record<HookName, unknown[]>>;
  getFn(test: Task): unknown;
  setFn(test: Task, fn: unknown): void;
}

/** `src/a.test.ts > queries > finds a user`: the file as Vitest names it (relative to the root), then each suite, then the test. */
export function fullName(task: Task): string {
  const names: string[] = [];
  for (let t: Task | undefined = task; t !== undefined; t = t.suite) {
    if (t.name !== '') names.unshift(t.name);
    if (t.suite === undefined && t.file !== undefined && t.file !== t && t.file.name !== '' && names[0] !== t.file.name) names.unshift(t.file.name);
  }
  return names.join(' > ');
}

/** Every suite (the file first) and test below `root`, in order. */
export function walk(root: Task, visit: (task: Task) => void): void {
  visit(root);
  const children = root.tasks;
  if (children !== undefined) for (const child of children) walk(child, visit);
}

/** `Test timed out in 300ms`, `Hook timed out in 300ms`: the first line of Vitest's timeout error, or undefined for any other error. */
export function timeoutMessage(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const message = Object.getOwnPropertyDescriptor(error, 'message')?.value as unknown;
  if (typeof message !== 'string' || !/^(?:Test|Hook) timed out in \d+ms\./.test(message)) return undefined;
  return message.slice(0, message.indexOf('.'));
}
