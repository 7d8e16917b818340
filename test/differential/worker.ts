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
import { installHooks, instrument, renderText, snapshot } from '../../dist/index.js';
import { runtimeInternals, type RuntimeInternals } from '../../dist/runtime/internals.js';
import * as library from '../fixtures/oracle/library.mjs';
import { Session, show } from './harness.ts';
import { graphSide, type GraphHooks, type GraphRequest, type GraphSide, type PauseReport } from './oracle/graph-run.ts';

export interface RunRequest {
  id: number;
  source: string;
  goal: 'script' | 'module';
  instrumented: boolean;
  /** A graph program (oracle/): compare graphs at every pause. */
  graph?: GraphRequest;
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
  /** Graph programs: what each pause found. */
  pauses?: PauseReport[];
}

/** The runtime's internals (through awaitwhat's own import: the global no longer carries them) and its frame counter (the global's `q`). */
interface Runtime {
  readonly q: number;
  readonly internals: RuntimeInternals;
}

function installRuntime(): Runtime {
  installHooks();
  const internals = runtimeInternals();
  if (internals === undefined) throw new Error('installHooks() installed no runtime');
  // Frames left pending forever by earlier programs are then held weakly and collected.
  internals.limits.weakAfterMs = 0;
  const global = (globalThis as unknown as { __awaitwhat: { readonly q: number } }).__awaitwhat;
  return {
    get q() {
      return global.q;
    },
    internals,
  };
}

const runtime = installRuntime();
/** Lines the wrapper puts before a program's first line. */
const LINE_OFFSET = 1;

function betweenMacrotasks(): void {
  runtime.internals.maintain(performance.now());
  renderText(snapshot());
}

let current: Session | undefined;
process.on('unhandledRejection', (reason, promise) => current?.unhandled(reason, promise));
process.on('rejectionHandled', (promise) => current?.handled(promise));

async function execute(request: RunRequest): Promise<RunReply> {
  const { id, source, goal, instrumented, graph } = request;
  const filename = graph?.file ?? 'program.js';
  let code = source;
  let functions = 0;
  if (instrumented) {
    try {
      const result = instrument(source, { filename, format: goal === 'module' ? 'module' : 'commonjs', sites: runtime.internals });
      if (result !== null) {
        code = result.code;
        functions = result.functions;
      }
    } catch (error) {
      return { id, log: [`instrument() threw ${show(error)}`], functions, frames: 0, code };
    }
  }
  // A module's top level becomes an async function body: the same text, so its top-level awaits
  // work. Either way the program's first line is the wrapper's second (LINE_OFFSET).
  const wrapped = goal === 'module' ? `(async function (h, lib) {'use strict';\n${code}\n})` : `(function (h, lib) {\n${code}\n})`;
  let main: (h: Session['h'], lib: typeof library) => unknown;
  try {
    main = vm.runInThisContext(wrapped, { filename }) as typeof main;
  } catch (error) {
    return { id, log: [`does not compile: ${show(error)}`], functions, frames: 0, code };
  }
  let side: GraphSide | undefined;
  const session = new Session(instrumented ? betweenMacrotasks : () => {}, graph === undefined ? undefined : () => side!.pause());
  if (graph !== undefined) side = graphSide(graph, graphHooks(session, instrumented), LINE_OFFSET);
  const h = side === undefined ? session.h : { ...session.h, ...side.helpers };
  // Programs hold pending frames weakly from their first maintenance, so that what they leave
  // pending is collected; a graph program may ask for strong holding during its run instead.
  runtime.internals.limits.weakAfterMs = graph === undefined || graph.weak ? 0 : 3_600_000;
  const firstFrame = runtime.q;
  current = session;
  session.begin();
  try {
    const result = main(h as Session['h'], library);
    if (goal === 'module') {
      (result as Promise<unknown>).then(
        () => session.record('module done'),
        (error) => session.record('module failed', error),
      );
    }
  } catch (error) {
    session.record('program threw', error);
  }
  const log = [...(await session.finish())];
  current = undefined;
  if (side !== undefined) {
    await side.drain();
    runtime.internals.limits.weakAfterMs = 0;
  }
  const reply: RunReply = { id, log, functions, frames: runtime.q - firstFrame, code };
  if (side !== undefined) reply.pauses = side.pauses;
  return reply;
}

/** What a graph program's pauses use of the session and, instrumented, of awaitwhat. */
function graphHooks(session: Session, instrumented: boolean): GraphHooks {
  const task = (run: () => void) => session.task(run);
  if (!instrumented) return { task };
  return { task, maintain: () => runtime.internals.maintain(performance.now()), snapshot };
}

// One program at a time: runs must not overlap, or their microtasks would interleave.
let queue = Promise.resolve();
parentPort!.on('message', (request: RunRequest) => {
  queue = queue.then(async () => parentPort!.postMessage(await execute(request)));
});
