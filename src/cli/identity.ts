/**
 * Which process and thread a report comes from. The script's own process (the one the command
 * started) reports unlabelled, as it always has; the processes it starts in turn (fork, cluster
 * workers, spawned node) — and in command mode every process — put their pid — and a cluster worker its id — in front of every report, so
 * that reports from a tree can be told apart. Worker threads are named by thread id.
 */

import { isMainThread, threadId } from 'node:worker_threads';

export interface Identity {
  /** True in the process the command started itself. */
  readonly first: boolean;
  /** `process 4242`, `process 4242 (cluster worker 2)`; empty for the command's own child. */
  readonly process: string;
}

/** Read when the preload starts, before the program can change what it reads. */
export function identify(supervisorPid: number, labelEvery = false): Identity {
  const first = process.ppid === supervisorPid;
  if (first && !labelEvery) return { first, process: '' };
  const worker = isMainThread ? clusterWorkerId() : undefined;
  return { first, process: `process ${process.pid}${worker === undefined ? '' : ` (cluster worker ${worker})`}` };
}

/** A cluster worker's id. Node.js has loaded the cluster module before preloads run in a cluster worker; it is not loaded here otherwise. */
function clusterWorkerId(): number | undefined {
  const loaded = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  if (!Array.isArray(loaded) || !loaded.includes('NativeModule cluster')) return undefined;
  const cluster = process.getBuiltinModule('node:cluster') as unknown as { isWorker: boolean; worker?: { id: number } };
  return cluster.isWorker ? cluster.worker?.id : undefined;
}

export function threadName(id: number): string {
  return id === 0 ? 'main thread' : `worker thread ${id}`;
}

/** What a header says before its reason: `process 4242, worker thread 1: `; nothing for the script's main thread. */
export function reportPrefix(identity: Identity): string {
  if (isMainThread) return identity.process === '' ? '' : `${identity.process}: `;
  return identity.process === '' ? `${threadName(threadId)}: ` : `${identity.process}, ${threadName(threadId)}: `;
}

/** The title of another thread's section in this thread's report. */
export function gatheredTitle(identity: Identity, id: number): string {
  return `${identity.process === '' ? '' : `${identity.process}, `}${threadName(id)}, at the same time`;
}
