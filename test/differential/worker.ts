/**
 * The worker thread programs run in, one at a time: with its own event loop, its own unhandled
 * rejections and its own awaitwhat runtime, installed as users install it (`installHooks`), so
 * that instrumented code finds `globalThis.__awaitwhat`.
 *
 * An instrumented run also exercises the runtime's other work between macrotasks: registry
 * maintenance and a snapshot, which must not disturb the program either.
 */

import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { installHooks, instrument, renderText, snapshot, type SiteRecord } from '../../dist/index.js';
import { Session, show } from './harness.ts';

export interface RunRequest {
  id: number;
  source: string;
  goal: 'script' | 'module';
  instrumented: boolean;
}

export interface RunReply {
  id: number;
  log: string[];
  /** Async functions the transform instrumented (0 for a plain run). */
  functions: number;
  /** Frames the runtime entered during the run: none unless instrumented code found it. */
  frames: number;
  /** The text that ran. */
  code: string;
}

interface Runtime {
  readonly q: number;
  readonly internals: RuntimeInternals;
}

interface RuntimeInternals {
  addSite(site: SiteRecord): number;
  maintain(now: number): void;
  readonly limits: { weakAfterMs: number };
}

function installRuntime(): Runtime {
  installHooks();
  const runtime = (globalThis as unknown as { __awaitwhat?: Runtime }).__awaitwhat;
  if (runtime === undefined) throw new Error('installHooks() installed no runtime');
  // Frames left pending forever by earlier programs are then held weakly and collected.
  runtime.internals.limits.weakAfterMs = 0;
  return runtime;
}

const runtime = installRuntime();

function betweenMacrotasks(): void {
  runtime.internals.maintain(performance.now());
  renderText(snapshot());
}

let current: Session | undefined;
process.on('unhandledRejection', (reason, promise) => current?.unhandled(reason, promise));
process.on('rejectionHandled', (promise) => current?.handled(promise));

async function execute(request: RunRequest): Promise<RunReply> {
  const { id, source, goal, instrumented } = request;
  let code = source;
  let functions = 0;
  if (instrumented) {
    try {
      const result = instrument(source, { filename: 'program.js', format: goal === 'module' ? 'module' : 'commonjs', sites: runtime.internals });
      if (result !== null) {
        code = result.code;
        functions = result.functions;
      }
    } catch (error) {
      return { id, log: [`instrument() threw ${show(error)}`], functions, frames: 0, code };
    }
  }
  // A module's top level becomes an async function body: the same text, so its top-level awaits work.
  const wrapped = goal === 'module' ? `(async function (h) {'use strict';\n${code}\n})` : `(function (h) {\n${code}\n})`;
  let main: (h: Session['h']) => unknown;
  try {
    main = vm.runInThisContext(wrapped, { filename: 'program.js' }) as typeof main;
  } catch (error) {
    return { id, log: [`does not compile: ${show(error)}`], functions, frames: 0, code };
  }
  const session = new Session(instrumented ? betweenMacrotasks : () => {});
  const firstFrame = runtime.q;
  current = session;
  session.begin();
  try {
    const result = main(session.h);
    if (goal === 'module') {
      (result as Promise<unknown>).then(
        () => session.record('module done'),
        (error) => session.record('module failed', error),
      );
    }
  } catch (error) {
    session.record('program threw', error);
  }
  const log = await session.finish();
  current = undefined;
  return { id, log, functions, frames: runtime.q - firstFrame, code };
}

// One program at a time: runs must not overlap, or their microtasks would interleave.
let queue = Promise.resolve();
parentPort!.on('message', (request: RunRequest) => {
  queue = queue.then(async () => parentPort!.postMessage(await execute(request)));
});
