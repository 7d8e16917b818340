/**
 * `test.concurrent`: jest-circus does not run a concurrent test's function between the test's
 * `test_start` and `test_done` as it does the others'. Jest 29 calls the functions of all of a
 * file's concurrent tests (up to `maxConcurrency` at once, the rest as those end) when the file's
 * tests begin, before any `test_start`; Jest 30 runs a describe block's concurrent tests side by
 * side, their `test_start`s one after the other before any of their functions is called. Their
 * start and end events say nothing of which chains are whose.
 *
 * What does: the call of the test's function. Its own async frame and every frame it creates
 * before its first `await` are created during that call, which is synchronous, so a run of the
 * frame counter around it is the test's (tests.ts, a nested run: the call may come while another
 * test runs), and the scope of a report adds everything those frames await. So, at `run_start`,
 * each concurrent test's `fn` in jest-circus's tree is replaced by one that records its call;
 * the function is called as Jest would have (same `this`, arguments, result, `length`).
 *
 * Not told: what a concurrent test's `beforeEach`/`afterEach` hooks start, and chains its code
 * starts after its first `await` without awaiting them (those belong to whatever test runs when
 * they are created, or to none).
 */

/** What of jest-circus's describe blocks and tests is read and changed here. */
export interface CircusNode {
  type?: string;
  name: string;
  parent?: CircusNode;
  concurrent?: boolean;
  fn?: unknown;
  children?: readonly CircusNode[];
}

/** Called as a concurrent test's function is called; what it returns, as the call returns. */
export type OnConcurrentCall = (test: CircusNode) => () => void;

const WRAPPED = new WeakSet<object>();

/** Replaces the function of each concurrent test under `root` (jest-circus's `rootDescribeBlock`) by one that tells `onCall` of its call. */
export function watchConcurrentTests(root: CircusNode | undefined, onCall: OnConcurrentCall): void {
  const blocks: CircusNode[] = root === undefined ? [] : [root];
  for (let block = blocks.pop(); block !== undefined; block = blocks.pop()) {
    for (const child of block.children ?? []) {
      if (child.type === 'describeBlock') blocks.push(child);
      else if (child.type === 'test' && child.concurrent === true && typeof child.fn === 'function' && !WRAPPED.has(child.fn)) child.fn = recordingCalls(child, child.fn as (...args: unknown[]) => unknown, onCall);
    }
  }
}

function recordingCalls(test: CircusNode, fn: (...args: unknown[]) => unknown, onCall: OnConcurrentCall): (...args: unknown[]) => unknown {
  const recording = function (this: unknown, ...args: unknown[]): unknown {
    const end = onCall(test);
    try {
      return Reflect.apply(fn, this, args);
    } finally {
      end();
    }
  };
  // jest-circus reads a test function's `length` (a `done` callback is taken when it has one).
  Object.defineProperty(recording, 'length', { value: fn.length });
  Object.defineProperty(recording, 'name', { value: fn.name });
  WRAPPED.add(recording);
  return recording;
}
