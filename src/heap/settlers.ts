/**
 * Who can settle a pending promise, read from a heap snapshot (V8 12.4–14.6, Node.js 22–26).
 *
 * A promise settles when its resolve or reject function is called: builtin closures
 * (`PromiseCapabilityDefaultResolve`/`Reject`, made by `new Promise`, `Promise.withResolvers` and
 * the thenable job) whose context's slot holds the promise. Or when a promise it was derived from
 * settles: a `PromiseReaction` on that promise names it in `promise_or_capability` (`then`, and
 * V8's fast path for `resolve(p)`/`return p`), or a resolve function sits in that promise's
 * reactions (resolved with a thenable). Or, for an async function's own promise, when what the
 * function awaits settles: the await closures' context has an `extension` edge to the function's
 * generator object. Or native code holds it (`FSReqPromise.promise`).
 *
 * Also the *waiting side* of a promise: everything that only runs once it settles (its reactions,
 * their handlers, the async functions suspended on it and their own promises, onwards). Paths
 * through those are not holders: code that is itself waiting cannot settle what it waits for.
 */

import { append, listIndexOf, newList, popList, publish, regExpExec, regExpTest, SafeSet } from '../runtime/intrinsics.ts';
import type { HeapGraph } from './graph.ts';

/** Builtin code (`(<name> builtin code)` nodes) of the functions that settle a promise. */
const SETTLE_CODES = new SafeSet(['PromiseCapabilityDefaultResolve', 'PromiseCapabilityDefaultReject']);
/** Builtin code of the closures `await` leaves in a promise's reactions. */
const AWAIT_CODES = new SafeSet([
  'AsyncFunctionAwaitResolveClosure',
  'AsyncFunctionAwaitRejectClosure',
  'AsyncGeneratorAwaitResolveClosure',
  'AsyncGeneratorAwaitRejectClosure',
  'AsyncGeneratorYieldWithAwaitResolveClosure',
  'AsyncGeneratorReturnClosedResolveClosure',
  'AsyncGeneratorReturnClosedRejectClosure',
  'AsyncGeneratorReturnResolveClosure',
  'AsyncFromSyncIteratorCloseSyncAndRethrow',
]);
/** Objects through which native code settles a promise (`FSReqPromise.promise`, …). */
const NATIVE_HOLDER = /^(FSReqPromise|FileHandleCloseReq|GetAddrInfoReqWrap|GetNameInfoReqWrap|QueryReqWrap|.*ReqWrap|.*Req)$/;

/**
 * A PromiseReaction's fields (`next`, `reject_handler`, `fulfill_handler`, `promise_or_capability`,
 * continuation data) appear as hidden edges numbered in order among the fields that hold objects,
 * so a number means different fields in different reactions (`next` is a small integer at the end
 * of the list, and then not counted). They are told apart by what they lead to: another reaction
 * is `next`, a closure a handler, a promise or capability the derived promise.
 */
function isReaction(graph: HeapGraph, i: number): boolean {
  return graph.nodeName(i) === 'system / PromiseReaction';
}

type ReactionField = 'next' | 'handler' | 'promise' | 'other';

function reactionFieldOf(graph: HeapGraph, e: number): ReactionField {
  if (graph.edgeType(e) !== 'hidden') return 'other';
  const to = graph.edgeTo(e);
  if (isReaction(graph, to)) return 'next';
  if (graph.nodeType(to) === 'closure') return 'handler';
  if (isPromise(graph, to) || graph.nodeName(to) === 'system / PromiseCapability') return 'promise';
  return 'other';
}

/** How deep a chain of derived promises is followed before giving up. */
const MAX_HOPS = 64;

export interface Settlers {
  /** The resolve/reject closures that can settle the promise (directly or through promises it follows), resolve functions first. */
  functions: number[];
  /** How many of `functions` (the first ones) are resolve functions. */
  resolveCount: number;
  /** Native requests holding one of those promises: the holder object's node. */
  native: number[];
  /** The promises followed, the target first. */
  promises: number[];
  /** An async function or generator the chain went through whose awaited promise could not be found (then the answer is incomplete). */
  unresolved: boolean;
  /** The suspended async functions and generators followed (their generator objects), in order. */
  generators: number[];
}

/** The code name of a closure (`PromiseCapabilityDefaultResolve`), or '' for code that is not builtin. */
export function builtinCodeOf(graph: HeapGraph, closure: number): string {
  const code = graph.child(closure, 'internal', 'code');
  if (code < 0) return '';
  const m = regExpExec(/^\((\w+) builtin code\)$/, graph.nodeName(code));
  return m === null ? '' : m[1]!;
}

export function isPromise(graph: HeapGraph, i: number): boolean {
  return graph.nodeType(i) === 'object' && graph.nodeName(i) === 'Promise';
}

export function isGenerator(graph: HeapGraph, i: number): boolean {
  return graph.nodeType(i) === 'object' && graph.findEdge(i, 'internal', 'parameters_and_registers') >= 0 && graph.findEdge(i, 'internal', 'function') >= 0;
}

function isContext(graph: HeapGraph, i: number): boolean {
  return graph.nodeName(i) === 'system / Context';
}

/** The promise whose reaction list contains this reaction (walking `next` back to the head). */
function reactionOwner(graph: HeapGraph, reaction: number): number {
  let at = reaction;
  for (let hops = 0; hops < 100_000; hops++) {
    let previous = -1;
    for (let eR = graph.firstRetainer(at), eEnd = graph.endRetainer(at); eR < eEnd; eR++) {
      const e = graph.retainerEdge(eR);
      const from = graph.edgeFrom(e);
      if (graph.isWeak(e)) continue;
      if (graph.edgeName(e) === 'reactions_or_result' && isPromise(graph, from)) return from;
      if (isReaction(graph, from) && reactionFieldOf(graph, e) === 'next') previous = from;
    }
    if (previous < 0) return -1;
    at = previous;
  }
  return -1;
}

export function findSettlers(graph: HeapGraph, promise: number): Settlers {
  // Lists (no prototype) while they grow, published in the result.
  const functions = newList<number>();
  const native = newList<number>();
  const promises = newList<number>();
  const generators = newList<number>();
  let unresolved = false;
  const rejecters = newList<number>();
  const seen = new SafeSet<number>();
  const queue = newList<number>();
  append(queue, promise);
  const follow = (p: number): void => {
    if (p >= 0 && !seen.has(p) && promises.length < MAX_HOPS) append(queue, p);
  };
  // A queue read from its head (not `shift`, which the program can replace).
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head]!;
    if (seen.has(p)) continue;
    seen.add(p);
    append(promises, p);
    for (let eR = graph.firstRetainer(p), eEnd = graph.endRetainer(p); eR < eEnd; eR++) {
      const e = graph.retainerEdge(eR);
      if (graph.isWeak(e)) continue;
      const from = graph.edgeFrom(e);
      const name = graph.nodeName(from);
      if (isContext(graph, from)) {
        for (let ceR = graph.firstRetainer(from), ceEnd = graph.endRetainer(from); ceR < ceEnd; ceR++) {
          const ce = graph.retainerEdge(ceR);
          const closure = graph.edgeFrom(ce);
          if (graph.nodeType(closure) !== 'closure' || graph.edgeName(ce) !== 'context') continue;
          const code = builtinCodeOf(graph, closure);
          if (!SETTLE_CODES.has(code)) continue;
          // A resolve function kept in another promise's reactions: resolved with that promise.
          const inReaction = reactionHolding(graph, closure);
          if (inReaction >= 0) follow(reactionOwner(graph, inReaction));
          else {
            const list = code === 'PromiseCapabilityDefaultResolve' ? functions : rejecters;
            if (listIndexOf(list, closure) < 0) append(list, closure);
          }
        }
      } else if (isReaction(graph, from) && reactionFieldOf(graph, e) === 'promise') {
        follow(reactionOwner(graph, from));
      } else if (name === 'system / PromiseCapability' && graph.edgeName(e) === 'promise') {
        for (let reR = graph.firstRetainer(from), reEnd = graph.endRetainer(from); reR < reEnd; reR++) {
          const re = graph.retainerEdge(reR);
          if (isReaction(graph, graph.edgeFrom(re)) && reactionFieldOf(graph, re) === 'promise') {
            follow(reactionOwner(graph, graph.edgeFrom(re)));
          }
        }
      } else if (name === 'system / AsyncGeneratorRequest') {
        // A `next()` of an async generator: settled when the generator next yields or returns,
        // that is when what it awaits settles.
        const generator = requestOwner(graph, from);
        if (generator < 0) unresolved = true;
        else {
          if (listIndexOf(generators, generator) < 0) append(generators, generator);
          const awaited = awaitedBy(graph, generator);
          if (awaited.length === 0) unresolved = true;
          for (let k = 0; k < awaited.length; k++) follow(awaited[k]!);
        }
      } else if (isGenerator(graph, from) && graph.edgeType(e) === 'hidden') {
        if (listIndexOf(generators, from) < 0) append(generators, from);
        const awaited = awaitedBy(graph, from);
        if (awaited.length === 0) unresolved = true;
        for (let k = 0; k < awaited.length; k++) follow(awaited[k]!);
      } else if (regExpTest(NATIVE_HOLDER, name) && listIndexOf(native, from) < 0) {
        append(native, from);
      }
    }
  }
  const resolveCount = functions.length;
  for (let k = 0; k < rejecters.length; k++) append(functions, rejecters[k]!);
  return { functions: publish(functions), resolveCount, native: publish(native), promises: publish(promises), unresolved, generators: publish(generators) };
}

/** The async generator whose request queue holds this request (walking `next` links back), or -1. */
function requestOwner(graph: HeapGraph, request: number): number {
  let at = request;
  for (let hops = 0; hops < 100_000; hops++) {
    let previous = -1;
    for (let eR = graph.firstRetainer(at), eEnd = graph.endRetainer(at); eR < eEnd; eR++) {
      const e = graph.retainerEdge(eR);
      if (graph.isWeak(e)) continue;
      const from = graph.edgeFrom(e);
      if (isGenerator(graph, from)) return from;
      if (graph.nodeName(from) === 'system / AsyncGeneratorRequest') previous = from;
    }
    if (previous < 0) return -1;
    at = previous;
  }
  return -1;
}

/** A PromiseReaction that has this closure as a handler, or -1. */
function reactionHolding(graph: HeapGraph, closure: number): number {
  for (let eR = graph.firstRetainer(closure), eEnd = graph.endRetainer(closure); eR < eEnd; eR++) {
    const e = graph.retainerEdge(eR);
    const from = graph.edgeFrom(e);
    if (isReaction(graph, from) && reactionFieldOf(graph, e) === 'handler') return from;
  }
  return -1;
}

/** The promises a suspended async function (its generator object) awaits: the owners of the reactions holding its await closures. */
export function awaitedBy(graph: HeapGraph, generator: number): number[] {
  const promises = newList<number>();
  for (let eR = graph.firstRetainer(generator), eEnd = graph.endRetainer(generator); eR < eEnd; eR++) {
    const e = graph.retainerEdge(eR);
    if (graph.edgeName(e) !== 'extension') continue;
    const context = graph.edgeFrom(e);
    for (let ceR = graph.firstRetainer(context), ceEnd = graph.endRetainer(context); ceR < ceEnd; ceR++) {
      const ce = graph.retainerEdge(ceR);
      const closure = graph.edgeFrom(ce);
      if (graph.nodeType(closure) !== 'closure' || !AWAIT_CODES.has(builtinCodeOf(graph, closure))) continue;
      const reaction = reactionHolding(graph, closure);
      const owner = reaction < 0 ? -1 : reactionOwner(graph, reaction);
      if (owner >= 0 && listIndexOf(promises, owner) < 0) append(promises, owner);
    }
  }
  return publish(promises);
}

/** The suspended async function (its generator object) whose own promise `promise` is, or -1. */
export function ownerGenerator(graph: HeapGraph, promise: number): number {
  for (let eR = graph.firstRetainer(promise), eEnd = graph.endRetainer(promise); eR < eEnd; eR++) {
    const e = graph.retainerEdge(eR);
    const from = graph.edgeFrom(e);
    if (graph.edgeType(e) === 'hidden' && isGenerator(graph, from)) return from;
  }
  return -1;
}

/** The suspended async functions (generator objects) awaiting `promise`: the owners of the await closures in its reactions, the first to await first (V8 keeps the list newest first). */
export function awaitersOf(graph: HeapGraph, promise: number): number[] {
  const generators = newList<number>();
  let reaction = graph.child(promise, 'internal', 'reactions_or_result');
  for (let hops = 0; reaction >= 0 && isReaction(graph, reaction) && hops < 100_000; hops++) {
    let next = -1;
    for (let e = graph.firstEdge(reaction); e < graph.endEdge(reaction); e++) {
      const field = reactionFieldOf(graph, e);
      const to = graph.edgeTo(e);
      if (field === 'next') next = to;
      if (field !== 'handler' || !AWAIT_CODES.has(builtinCodeOf(graph, to))) continue;
      const context = graph.child(to, 'internal', 'context');
      const generator = context < 0 ? -1 : graph.child(context, 'internal', 'extension');
      if (generator >= 0 && isGenerator(graph, generator) && listIndexOf(generators, generator) < 0) append(generators, generator);
    }
    reaction = next;
  }
  const reversed = newList<number>();
  for (let k = generators.length - 1; k >= 0; k--) append(reversed, generators[k]!);
  return publish(reversed);
}

/**
 * Marks every node that runs only once `promise` settles: its reactions and their handlers, the
 * contexts of builtin handlers (await, combinators), the async functions suspended on it and their
 * own promises, derived promises, onwards.
 */
export function markWaitingSide(graph: HeapGraph, promise: number, marked: Uint8Array): void {
  const queue = newList<number>();
  append(queue, promise);
  const push = (i: number): void => {
    if (i >= 0 && marked[i] !== 1) {
      marked[i] = 1;
      append(queue, i);
    }
  };
  marked[promise] = 1;
  while (queue.length > 0) {
    const i = popList(queue);
    const name = graph.nodeName(i);
    if (isPromise(graph, i)) {
      const reactions = graph.child(i, 'internal', 'reactions_or_result');
      if (reactions >= 0 && isReaction(graph, reactions)) push(reactions);
    } else if (isReaction(graph, i)) {
      for (let e = graph.firstEdge(i); e < graph.endEdge(i); e++) if (reactionFieldOf(graph, e) !== 'other') push(graph.edgeTo(e));
    } else if (name === 'system / PromiseCapability') {
      push(graph.child(i, 'internal', 'promise'));
    } else if (graph.nodeType(i) === 'closure') {
      // Only a builtin handler's context is part of the waiting side; a user handler's context is the program's.
      if (builtinCodeOf(graph, i) !== '') {
        const context = graph.child(i, 'internal', 'context');
        if (context >= 0) {
          marked[context] = 1;
          const extension = graph.child(context, 'internal', 'extension');
          if (extension >= 0 && isGenerator(graph, extension)) push(extension);
          for (let e = graph.firstEdge(context); e < graph.endEdge(context); e++) {
            const to = graph.edgeTo(e);
            const toName = graph.nodeName(to);
            if (toName === 'system / PromiseCapability' || isPromise(graph, to)) push(to);
          }
        }
      }
    } else if (isGenerator(graph, i) || name === 'system / AsyncGeneratorRequest') {
      // Its own promise (a hidden edge), which its callers await; an async generator's are in its
      // request queue.
      for (let e = graph.firstEdge(i); e < graph.endEdge(i); e++) {
        const to = graph.edgeTo(e);
        if (graph.edgeType(e) === 'hidden' && (isPromise(graph, to) || graph.nodeName(to) === 'system / AsyncGeneratorRequest')) push(to);
      }
    }
  }
}
