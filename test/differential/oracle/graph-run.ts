/**
 * The worker's side of a graph program's run: the helpers its notes and leaves call, and what
 * happens at each pause. Both runs write down the true graph; the instrumented run also takes
 * awaitwhat's snapshot, the plain run asks V8 (where the program's text is the text V8 runs, so
 * positions match without a source map).
 */

import type { Snapshot } from '../../../dist/index.js';
import { canonicalLines } from './canonical.ts';
import { Gates } from './gates.ts';
import { Notes, type Entity } from './notes.ts';
import type { FnInfo, SiteInfo } from './print.ts';
import { snapshotView } from './snapshot-view.ts';
import { TruthBuilder } from './truth.ts';
import { ChainPredictor, compareWalk } from './v8-chains.ts';
import { walkFrom } from './v8-walk.ts';

export interface GraphRequest {
  /** The file name the program runs under: frames of this program are told apart by it. */
  file: string;
  sites: SiteInfo[];
  fns: FnInfo[];
  memberTexts: string[][];
  /** Run the runtime's maintenance before each snapshot. */
  maintain: boolean;
  /** Hold registered frames weakly after their first maintenance (else strongly, for the run). */
  weak: boolean;
}

export interface PauseReport {
  /** The true graph, as canonical lines. */
  truth: string[];
  /** Notes that contradict each other (the oracle's own faults). */
  faults: string[];
  /** Instrumented run: awaitwhat's graph, as canonical lines. */
  observed?: string[];
  /** Plain run: where V8's walker disagrees with the notes. */
  v8?: string[];
}

export interface GraphSide {
  /** Added to the program's `h`. */
  helpers: Record<string, (...args: never[]) => unknown>;
  pause(): Promise<void>;
  readonly pauses: PauseReport[];
  /**
   * Once the run is over: fulfils every gate and lets what waited on them finish, so that the
   * frames a program leaves pending do not stay in the worker's registry, walked by every later
   * snapshot, until a garbage collection happens to free them.
   */
  drain(): Promise<void>;
}

export interface GraphHooks {
  /** Schedules a macrotask of the program's (the session's). */
  task(run: () => void): void;
  /** Instrumented runs: the runtime's maintenance and a snapshot. */
  maintain?: () => void;
  snapshot?: () => Snapshot;
}

export function graphSide(request: GraphRequest, hooks: GraphHooks, lineOffset: number): GraphSide {
  const notes = new Notes(request.memberTexts);
  const gates = new Gates();
  /** Stored root promises, held so that a frame awaiting one (itself, in a cycle) is never collected. */
  const held = new Map<number, unknown>();
  const pauses: PauseReport[] = [];
  const layout = { file: request.file, sites: request.sites, fns: request.fns };

  const helpers = {
    ...notes.api,
    gate: (k: number) => gates.promise(k),
    thenable: (k: number) => gates.thenable(k),
    wide: (k: number, size: number, at: number) => Array.from({ length: size }, (_, i) => (i === at ? gates.promise(k) : i)),
    release: (k: number, reject: boolean) => hooks.task(() => gates.release(k, reject)),
    hold: (slot: number, value: unknown) => held.set(slot, value),
  };

  async function pause(): Promise<void> {
    const report: PauseReport = { truth: [], faults: [] };
    pauses.push(report);
    try {
      const builder = new TruthBuilder(notes, gates, layout);
      const truth = builder.build();
      report.truth = canonicalLines(truth.view);
      report.faults = truth.faults;
      if (hooks.snapshot !== undefined) {
        if (request.maintain) hooks.maintain?.();
        report.observed = canonicalLines(snapshotView(hooks.snapshot(), request.file));
        return;
      }
      const predictor = new ChainPredictor(notes, request.sites, (what) => builder.state(what), lineOffset);
      // V8 walks from every promise the harness holds: the gates, and the stored roots' promises.
      const starts: [string, Promise<unknown>, Entity][] = gates.made().map(([k, promise]) => [`gate ${k}`, promise, notes.gate(k)]);
      for (const [slot, promise] of held) {
        const entity = notes.slots.get(slot);
        if (entity !== undefined && promise instanceof Promise) starts.push([`s${slot}`, promise, entity]);
      }
      report.v8 = [];
      for (const [from, promise, entity] of starts) {
        const predicted = builder.state(entity) === 'pending' ? predictor.predict(entity) : null;
        // A walk V8 would never end is not started (see ChainPredictor.predict).
        if (predicted !== null) report.v8.push(...compareWalk(from, await walkFrom(promise), predicted));
      }
    } catch (error) {
      report.faults.push(`the oracle failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  async function drain(): Promise<void> {
    for (const [k] of gates.made()) gates.release(k, false);
    await new Promise(setImmediate);
  }

  return { helpers: helpers as GraphSide['helpers'], pause, pauses, drain };
}
