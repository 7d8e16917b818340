/**
 * Facts about a known holder, read from its properties in the snapshot: a timer's delay and time
 * left, whether it is unref'd; an emitter's listener count; a signal's state; a child's pid; a
 * worker's thread id; a stream's state (ended, flowing, what its buffers hold; a socket's too —
 * its addresses and byte counts are read from its native handle, not in the heap); a FileHandle's fd. A property that is not in the snapshot (or is not a plain
 * value there) is left out, never guessed.
 */

import { mathFloor, mathMax, mathRound, newList, publish, type List } from '../runtime/intrinsics.ts';
import type { HeapGraph } from './graph.ts';
import type { PathStep } from './describe.ts';

export type FactValue = string | number | boolean;
export type Facts = Record<string, FactValue>;

export interface FactOptions {
  /** Node.js's timer clock now (ms, as timers' `_idleStart`), to say how long a timer has left; without it, only the delay is given. */
  timerNowMs?: number;
}

/** A property's primitive value: a number (exposed numeric values), true/false/null/undefined, or a string. */
export function primitive(graph: HeapGraph, object: number, name: string): FactValue | null | undefined {
  const e = graph.findEdge(object, 'property', name);
  if (e < 0) return undefined;
  const to = graph.edgeTo(e);
  const type = graph.nodeType(to);
  if (type === 'number') return graph.numberValue(to);
  let value = graph.nodeName(to);
  // V8 12 (Node.js 22) names true, false, null and undefined `system / Oddball`, their value in a string it holds.
  if (value === 'system / Oddball') {
    const text = graph.child(to, 'hidden', '0');
    value = text >= 0 ? graph.nodeName(text) : '';
  }
  if (type === 'hidden' || type === 'object') {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (value === 'null') return null;
    return undefined;
  }
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return value;
  return undefined;
}

function bool(v: FactValue | null | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function seconds(ms: number): string {
  if (ms < 1000) return `${mathMax(0, mathRound(ms))}ms`;
  return `${mathFloor(ms / 1000)}s`;
}

/** Facts, and the words a report shows in parentheses after the holder. */
export function factsOf(graph: HeapGraph, anchor: number, stepsAfter: readonly PathStep[], options: FactOptions = {}): { facts: Facts; words: string[] } {
  const facts: Facts = {};
  // A list (no prototype) while it grows: storing past its end reaches no setter of Array.prototype.
  const words = newList<string>();
  if (anchor < 0) return { facts, words: publish(words) };
  const cls = graph.nodeName(anchor);
  if (cls === 'Timeout' || cls === 'Immediate') {
    const delay = primitive(graph, anchor, '_idleTimeout');
    const start = primitive(graph, anchor, '_idleStart');
    const repeat = primitive(graph, anchor, '_repeat');
    const refed = bool(primitive(graph, anchor, '<symbol refed>'));
    if (typeof delay === 'number') {
      facts['delayMs'] = delay;
      const interval = typeof repeat === 'number';
      if (interval) facts['interval'] = true;
      let word = `${interval ? 'interval' : 'timer'} ${seconds(delay)}`;
      if (typeof start === 'number' && options.timerNowMs !== undefined && !interval) {
        const left = mathMax(0, start + delay - options.timerNowMs);
        facts['leftMs'] = mathRound(left);
        word += `, ${seconds(left)} left`;
      }
      words[words.length] = word;
    }
    if (refed === false) {
      facts['unref'] = true;
      words[words.length] = "unref'd";
    }
    return { facts, words: publish(words) };
  }
  const events = graph.child(anchor, 'property', '_events');
  if (events >= 0 && stepsAfter[0]?.name === '_events' && stepsAfter[1] !== undefined) {
    const event = stepsAfter[1].name;
    facts['event'] = event;
    const listeners = graph.child(events, 'property', event);
    if (listeners >= 0) {
      let count = 1;
      if (graph.nodeName(listeners) === 'Array') {
        count = 0;
        for (let e = graph.firstEdge(listeners); e < graph.endEdge(listeners); e++) if (graph.edgeType(e) === 'element') count++;
      }
      facts['listeners'] = count;
      words[words.length] = `${count} listener${count === 1 ? '' : 's'}`;
    }
  }
  if (cls === 'AbortSignal') {
    const aborted = bool(primitive(graph, anchor, '<symbol kAborted>'));
    if (aborted !== undefined) {
      facts['aborted'] = aborted;
      words[words.length] = aborted ? 'aborted' : 'not aborted';
    }
  }
  if (cls === 'ChildProcess') {
    const pid = primitive(graph, anchor, 'pid');
    if (typeof pid === 'number') {
      facts['pid'] = pid;
      words[words.length] = `pid ${pid}`;
    }
    const exitCode = primitive(graph, anchor, 'exitCode');
    if (exitCode === null) {
      facts['exited'] = false;
      words[words.length] = 'running';
    }
  }
  if (cls === 'Worker') {
    // The JS Worker's threadId is a getter; its native handle has the number.
    const handle = graph.child(anchor, 'property', '<symbol kHandle>');
    const threadId = primitive(graph, anchor, 'threadId') ?? (handle >= 0 ? primitive(graph, handle, 'threadId') : undefined);
    if (typeof threadId === 'number') {
      facts['threadId'] = threadId;
      words[words.length] = `thread ${threadId}`;
    }
  }
  if (cls === 'Socket' || cls === 'TLSSocket') {
    const connecting = bool(primitive(graph, anchor, 'connecting'));
    const destroyed = bool(primitive(graph, anchor, 'destroyed'));
    const host = primitive(graph, anchor, '_host');
    if (typeof host === 'string') facts['host'] = host;
    if (connecting === true) words[words.length] = 'connecting';
    if (destroyed !== undefined) facts['destroyed'] = destroyed;
    if (destroyed === true) words[words.length] = 'destroyed';
  }
  if (cls === 'FileHandle') {
    // Its fd is a JS property; the path it was opened with is not kept anywhere in the heap.
    const fd = primitive(graph, anchor, '<symbol kFd>');
    if (typeof fd === 'number') {
      facts['fd'] = fd;
      words[words.length] = fd < 0 ? 'closed' : `fd ${fd}`;
    }
  }
  streamFacts(graph, anchor, facts, words);
  return { facts, words: publish(words) };
}

/**
 * Bits of a stream state's `state` field (lib/internal/streams/{utils,readable,writable}.js, the
 * same in Node.js 22, 24 and 26). Older Node.js kept booleans (`ended`, `flowing`), read first.
 */
const OBJECT_MODE = 1 << 0;
const DESTROYED = 1 << 4;
const READABLE_ENDED = 1 << 9;
const HAS_FLOWING = 1 << 23;
const FLOWING = 1 << 24;
const WRITABLE_ENDING = 1 << 12;
const WRITABLE_FINISHED = 1 << 13;

/** A Readable's or Writable's state (`_readableState`, `_writableState`): ended, flowing, what waits in its buffers. */
function streamFacts(graph: HeapGraph, anchor: number, facts: Facts, words: List<string>): void {
  const readable = graph.child(anchor, 'property', '_readableState');
  const writable = graph.child(anchor, 'property', '_writableState');
  let destroyed = false;
  if (readable >= 0 && graph.nodeType(readable) === 'object') {
    const bits = primitive(graph, readable, '<symbol kState>') ?? primitive(graph, readable, 'state');
    const flag = (bit: number, name: string): boolean | undefined => bool(primitive(graph, readable, name)) ?? (typeof bits === 'number' ? (bits & bit) !== 0 : undefined);
    const ended = flag(READABLE_ENDED, 'ended');
    if (ended !== undefined) {
      facts['readableEnded'] = ended;
      words[words.length] = ended ? 'readable ended' : 'readable not ended';
    }
    const flowingValue = primitive(graph, readable, 'flowing');
    const flowing = flowingValue === null ? null : (bool(flowingValue) ?? (typeof bits === 'number' ? ((bits & HAS_FLOWING) === 0 ? null : (bits & FLOWING) !== 0) : undefined));
    if (flowing !== undefined) {
      if (flowing !== null) facts['readableFlowing'] = flowing;
      words[words.length] = flowing === null ? 'not flowing' : flowing ? 'flowing' : 'paused';
    }
    const length = primitive(graph, readable, 'length');
    if (typeof length === 'number') {
      const objects = flag(OBJECT_MODE, 'objectMode') === true;
      facts[objects ? 'readableBufferedObjects' : 'readableBufferedBytes'] = length;
      words[words.length] = `${length} ${objects ? 'objects' : 'B'} to read`;
    }
    if (flag(DESTROYED, 'destroyed') === true) destroyed = true;
  }
  if (writable >= 0 && graph.nodeType(writable) === 'object') {
    const bits = primitive(graph, writable, '<symbol kState>') ?? primitive(graph, writable, 'state');
    const flag = (bit: number, name: string): boolean | undefined => bool(primitive(graph, writable, name)) ?? (typeof bits === 'number' ? (bits & bit) !== 0 : undefined);
    const ending = flag(WRITABLE_ENDING, 'ending');
    const finished = flag(WRITABLE_FINISHED, 'finished');
    if (ending !== undefined) {
      facts['writableEnded'] = ending;
      if (finished !== undefined) facts['writableFinished'] = finished;
      words[words.length] = finished === true ? 'writable finished' : ending ? 'writable ending' : 'writable not ended';
    }
    // `length`: bytes (or objects) written and not yet reported done, the write in progress included.
    const length = primitive(graph, writable, 'length');
    if (typeof length === 'number') {
      const objects = flag(OBJECT_MODE, 'objectMode') === true;
      facts[objects ? 'writableBufferedObjects' : 'writableBufferedBytes'] = length;
      words[words.length] = `${length} ${objects ? 'objects' : 'B'} to write`;
    }
    if (flag(DESTROYED, 'destroyed') === true) destroyed = true;
  }
  if (destroyed && facts['destroyed'] === undefined) {
    facts['destroyed'] = true;
    words[words.length] = 'destroyed';
  }
}
