/**
 * The heap-analysis room: V8 heap snapshots in, typed facts out, independent of awaitwhat's
 * runtime (used in-process by `snapshot({ holders })`, and meant for `awaitwhat attach --full`).
 *
 * From another process's inspector: feed each `HeapProfiler.addHeapSnapshotChunk` chunk to a
 * `HeapSnapshotParser` (`takeHeapSnapshot` with `captureNumericValue: true`, so that timers'
 * numbers are there), then `end()`. Name the target promises either with a marker the target
 * holds during the snapshot (`globalThis[x] = { [key]: [p0, p1, …] }` via `Runtime.evaluate`;
 * `findMarkedTargets(graph, key)`, and pass its `markerNodes` as `exclude`), or by heap object id
 * (`HeapProfiler.getHeapObjectId` → `graph.indexOfId(id)`). Then `findHolders(graph, targets,
 * { exclude, timerNowMs })`: `timerNowMs` is the target's timer clock, without it no time left.
 */

export { HeapSnapshotParser, HeapSnapshotSyntaxError } from './parse.ts';
export { HeapGraph, type EdgeType, type NodeType, type SourcePosition } from './graph.ts';
export { parseHeapSnapshotChunks, parseHeapSnapshotFile, takeOwnHeapSnapshot } from './take.ts';
export { shortestPaths, type RetainerPath } from './paths.ts';
export { awaitersOf, findSettlers, markWaitingSide, ownerGenerator, type Settlers } from './settlers.ts';
export { describePath, packageOf, type Described, type DescribeOptions, type PathStep } from './describe.ts';
export { factsOf, type Facts, type FactOptions } from './facts.ts';
export { SuspendedCalls, type Suspended } from './steps.ts';
export { findHolders, findMarkedTargets, NEVER_TEXT, NEVER_ONLY_WAITERS_TEXT, NO_AWAITER_TEXT, SHARED_AWAIT_TEXT, type HolderOptions, type HolderResult } from './holders.ts';
