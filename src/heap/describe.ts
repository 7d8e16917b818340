/**
 * A retainer path as a person reads it: `Timeout._onTimeout`, `EventEmitter._events.ready`,
 * `Mutex.#waiters[0]`, `module variable neverResolve (app.mjs:12)`. The path is cut at its anchor
 * (the last object of a class, or the last variable of a module, along it) and what follows is
 * written as property accesses, up to the first closure of Node.js's own code (its insides are not
 * the program's). Everything said is read off the snapshot: a class name, a property, a variable,
 * a script URL; a line only when the script's source on disk declares the name exactly once.
 */

import * as fs from 'node:fs';
import * as nodeUrl from 'node:url';
import {
  decodeUriComponent,
  jsonStringify,
  mathMax,
  newList,
  numberIsInteger,
  publish,
  RegExpConstructor,
  regExpExec,
  regExpTest,
  SafeSet,
  stringSplit,
  stringStartsWith,
  toNumber,
} from '../runtime/intrinsics.ts';
import type { HeapGraph } from './graph.ts';

// As they are when awaitwhat loads: named imports of node: modules follow a program's replacements
// after `module.syncBuiltinESMExports()`.
const { readFileSync } = fs;
const { fileURLToPath } = nodeUrl;

export interface PathStep {
  /** `property`, `element`, `variable` (a context slot), or `internal` (V8's own, not written). */
  kind: 'property' | 'element' | 'variable' | 'entry' | 'internal';
  /** The property, index or variable name. */
  name: string;
  /** What the step leads to: a class name, `Object`, `closure f`, `context`. */
  to: string;
}

export interface Described {
  /** `Timeout._onTimeout`, `module variable neverResolve (app.mjs:12)`. */
  text: string;
  /** The anchor object's node (a class instance), or -1 for a variable anchor. */
  anchor: number;
  /** The package the anchor's class comes from (`async-mutex`), or null (the program's own, or Node.js). */
  package: string | null;
  /** Every step of the path from the root, for JSON. */
  steps: PathStep[];
}

export interface DescribeOptions {
  /** Turns a script URL into the path a report shows (relative to the working directory). */
  displayPath?: (url: string) => string;
  /** Reads a script's source to find a variable's line; undefined when unavailable. */
  readSource?: (url: string) => string | undefined;
  /** Leave values out (a Map key is the program's data): `.get(…)`. */
  omitValues?: boolean;
}

const CONTAINERS = new SafeSet(['Object', 'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', '']);
/** Node.js's own bookkeeping objects a path passes through on its way to what the program made: never the holder named. */
const TRANSPARENT = new SafeSet(['ModuleWrap', 'Module', 'Listener', 'TimersList', 'PriorityQueue', 'FreeList', 'AsyncContextFrame']);

export function isClassInstance(graph: HeapGraph, i: number): boolean {
  if (graph.nodeType(i) !== 'object') return false;
  const name = graph.nodeName(i);
  // Node.js's own bookkeeping classes only: a package may have a PriorityQueue of its own.
  if (TRANSPARENT.has(name) && isNodeInternal(classScriptOf(graph, i))) return false;
  return !CONTAINERS.has(name) && !stringStartsWith(name, 'system /') && !stringStartsWith(name, 'global') && name !== 'Promise' && name !== 'Generator';
}

/** The script URL a closure's code comes from, or ''. */
export function scriptOf(graph: HeapGraph, closure: number): string {
  const shared = graph.child(closure, 'internal', 'shared');
  const script = shared < 0 ? -1 : graph.child(shared, 'internal', 'script');
  return script < 0 ? '' : graph.nodeName(script);
}

/** The script an object's class (its prototype's `constructor`) is defined in, or ''. */
export function classScriptOf(graph: HeapGraph, object: number): string {
  const proto = graph.child(object, 'property', '__proto__');
  const ctor = proto < 0 ? -1 : graph.child(proto, 'property', 'constructor');
  return ctor < 0 || graph.nodeType(ctor) !== 'closure' ? '' : scriptOf(graph, ctor);
}

/** `pg-pool` for `file:///app/node_modules/pg-pool/index.js`, `@scope/name` for scoped packages; null when not in node_modules. */
export function packageOf(url: string): string | null {
  const m = regExpExec(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/, url);
  return m === null ? null : decodeUriComponent(m[1]!);
}

function isNodeInternal(url: string): boolean {
  return stringStartsWith(url, 'node:') || url === '';
}

/**
 * A context that is a module's (or a script's) top-level scope: an ES module's has the module as
 * its `extension`; a script's (a CommonJS wrapper's) `previous` is the native or script context.
 */
function isTopLevelContext(graph: HeapGraph, context: number): boolean {
  const extension = graph.child(context, 'internal', 'extension');
  if (extension >= 0 && graph.nodeName(extension) === 'system / SourceTextModule') return true;
  const previous = graph.child(context, 'internal', 'previous');
  if (previous < 0) return true;
  const name = graph.nodeName(previous);
  return name === 'system / NativeContext' || name === 'system / ScriptContext';
}

/** The script of the code that uses a context: a closure or generator whose context it is. */
function contextScript(graph: HeapGraph, context: number): string {
  for (let eR = graph.firstRetainer(context), eEnd = graph.endRetainer(context); eR < eEnd; eR++) {
    const e = graph.retainerEdge(eR);
    if (graph.edgeName(e) !== 'context') continue;
    const from = graph.edgeFrom(e);
    if (graph.nodeType(from) === 'closure') {
      const url = scriptOf(graph, from);
      if (url !== '') return url;
    } else {
      const fn = graph.child(from, 'internal', 'function');
      if (fn >= 0) {
        const url = scriptOf(graph, fn);
        if (url !== '') return url;
      }
    }
  }
  return '';
}

function stepOf(graph: HeapGraph, e: number, omitValues: boolean): PathStep {
  const type = graph.edgeType(e);
  const from = graph.edgeFrom(e);
  const to = graph.edgeTo(e);
  const toType = graph.nodeType(to);
  const toText = toType === 'closure' ? `closure ${graph.nodeName(to) || '(anonymous)'}` : graph.nodeName(to);
  let kind: PathStep['kind'];
  if (type === 'property') kind = 'property';
  else if (type === 'element') kind = 'element';
  else if (type === 'context') kind = 'variable';
  else if (type === 'internal' && graph.nodeName(from) === '(object elements)' && regExpTest(/^\d+$/, graph.edgeName(e))) kind = 'element';
  else if (type === 'internal' && regExpTest(/^\d+$/, graph.edgeName(e)) && isHashTableOf(graph, from)) {
    // A Map's table holds key, value, chain per entry: the key is the slot before the value.
    const key = graph.child(from, 'internal', `${toNumber(graph.edgeName(e)) - 1}`);
    const keyType = key < 0 ? '' : graph.nodeType(key);
    const keyText = omitValues ? '…' : keyType === 'string' || keyType === 'concatenated string' || keyType === 'sliced string' ? jsonStringify(graph.nodeName(key)) : keyType === 'number' ? `${graph.numberValue(key) ?? '…'}` : '…';
    return { kind: 'entry', name: keyText, to: toText };
  } else kind = 'internal';
  return { kind, name: graph.edgeName(e), to: toText };
}

/**
 * The table of a Map on the path (its `table` edge leads here). A Set's members have no key to
 * write (`.get(…)` would be wrong): its table is passed over like V8's other insides (whether its
 * slots are numbered edges differs between V8 versions, so naming them would change the text).
 */
function isHashTableOf(graph: HeapGraph, table: number): boolean {
  for (let eR = graph.firstRetainer(table), eEnd = graph.endRetainer(table); eR < eEnd; eR++) {
    const e = graph.retainerEdge(eR);
    if (graph.edgeName(e) !== 'table') continue;
    if (graph.nodeName(graph.edgeFrom(e)) === 'Map') return true;
  }
  return false;
}

function accessor(step: PathStep): string {
  if (step.kind === 'element') return `[${step.name}]`;
  if (step.kind === 'entry') return `.get(${step.name})`;
  const symbol = regExpExec(/^<symbol (.*)>$/, step.name);
  if (symbol !== null) return `[Symbol(${symbol[1]})]`;
  return regExpTest(/^[A-Za-z_$#][\w$]*$/, step.name) ? `.${step.name}` : `[${jsonStringify(step.name)}]`;
}

/** The line declaring `name` in the source, when exactly one line does. */
function declarationLine(source: string, name: string): number | undefined {
  let escaped = '';
  for (let k = 0; k < name.length; k++) escaped += name[k] === '$' ? '\\$' : name[k];
  const re = new RegExpConstructor(`(?:\\b(?:let|const|var|function\\*?|class)\\s+${escaped}\\b)|(?:\\b(?:let|const|var)\\s*[{[][^=;]*\\b${escaped}\\b[^=;]*[}\\]]\\s*=)`, 'g');
  const lines = stringSplit(source, '\n');
  let found: number | undefined;
  for (let k = 0; k < lines.length; k++) {
    re.lastIndex = 0;
    if (regExpTest(re, lines[k]!)) {
      if (found !== undefined) return undefined;
      found = k + 1;
    }
  }
  return found;
}

export function defaultReadSource(url: string): string | undefined {
  if (!stringStartsWith(url, 'file:')) return undefined;
  try {
    return readFileSync(fileURLToPath(url), 'utf8');
  } catch {
    return undefined;
  }
}

/** Describes the path (edge indexes from the root) to a settle function. */
export function describePath(graph: HeapGraph, edges: readonly number[], options: DescribeOptions = {}): Described {
  const stepList = newList<PathStep>(edges.length);
  for (let k = 0; k < edges.length; k++) stepList[k] = stepOf(graph, edges[k]!, options.omitValues === true);
  const steps = publish(stepList);
  const displayPath = options.displayPath ?? ((url: string) => url);
  const readSource = options.readSource ?? defaultReadSource;
  // The anchor: the last class instance reached, or the last top-level variable, whichever is later.
  let anchorAt = -1;
  let anchorText = '';
  let anchorNode = -1;
  let pkg: string | null = null;
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k]!;
    const to = graph.edgeTo(e);
    const from = graph.edgeFrom(e);
    const ephemeron = regExpExec(/part of key \((\S+) @\d+\)/, graph.edgeName(e));
    if (ephemeron !== null && graph.edgeType(e) === 'internal') {
      // A WeakMap entry (Node.js keeps EventTarget listeners so): the key object is what holds it.
      anchorAt = k;
      anchorNode = -1;
      anchorText = `a WeakMap entry keyed by a ${ephemeron[1]}`;
      pkg = null;
    } else if (isClassInstance(graph, to)) {
      // A variable holding an object of a class: the class is the holder (its facts are read there).
      anchorAt = k;
      anchorNode = to;
      anchorText = graph.nodeName(to);
      pkg = packageOf(classScriptOf(graph, to));
    } else if (graph.edgeType(e) === 'context' && isTopLevelContext(graph, from) && (graph.nodeType(to) !== 'closure' || k === edges.length - 1) && !isNodeInternal(contextScript(graph, from))) {
      anchorAt = k;
      anchorNode = -1;
      anchorText = moduleVariable(graph, from, graph.edgeName(e), displayPath, readSource);
      pkg = packageOf(contextScript(graph, from));
    } else if (graph.nodeName(from) === 'system / Cell' && graph.edgeName(e) === 'value' && k > 0 && (graph.nodeType(to) !== 'closure' || k === edges.length - 1)) {
      const exported = exportName(graph, edges[k - 1]!);
      if (exported !== undefined) {
        anchorAt = k;
        anchorNode = -1;
        anchorText = moduleVariableAt(exported.url, exported.name, displayPath, readSource);
        pkg = packageOf(exported.url);
      }
    }
  }
  const last = edges.length - 1;
  if (anchorAt < 0) {
    // No class and no module variable: the variable or property that holds it directly.
    const e = edges[last]!;
    if (graph.edgeType(e) === 'context') {
      const from = graph.edgeFrom(e);
      const text = isTopLevelContext(graph, from) ? moduleVariable(graph, from, graph.edgeName(e), displayPath, readSource) : `closure variable ${graph.edgeName(e)}`;
      return { text, anchor: -1, package: packageOf(contextScript(graph, from)), steps };
    }
    // The last three steps: `to` of the first of them, then each one's accessor.
    const first = mathMax(0, steps.length - 3);
    let text = '';
    for (let k = first; k < steps.length; k++) text += (k === first ? steps[k]!.to : '') + accessor(steps[k]!);
    return { text, anchor: -1, package: null, steps };
  }
  let text = anchorText;
  for (let k = anchorAt + 1; k <= last; k++) {
    const e = edges[k]!;
    const step = steps[k]!;
    const to = graph.edgeTo(e);
    let entry: PathStep | undefined;
    for (let j = k + 1; j < steps.length && entry === undefined; j++) if (steps[j]!.kind !== 'internal') entry = steps[j];
    if (step.kind === 'property' && step.name === '<symbol kEvents>' && entry?.kind === 'entry') {
      // An EventTarget's listeners (AbortSignal, MessagePort): the event is what matters.
      text += ` listener of ${entry.name}`;
      break;
    }
    if (step.kind === 'property' || step.kind === 'element' || step.kind === 'entry') text += accessor(step);
    else if (step.kind === 'variable') {
      const from = graph.edgeFrom(e);
      if (isNodeInternal(contextScript(graph, from))) break;
      text += ` → closure variable ${step.name}`;
    }
    // A closure of Node.js's own code: what follows is its insides.
    if (k < last && graph.nodeType(to) === 'closure' && isNodeInternal(scriptOf(graph, to))) break;
  }
  return { text, anchor: anchorNode, package: pkg, steps };
}

function moduleVariable(graph: HeapGraph, context: number, name: string, displayPath: (url: string) => string, readSource: (url: string) => string | undefined): string {
  return moduleVariableAt(contextScript(graph, context), name, displayPath, readSource);
}

function moduleVariableAt(url: string, name: string, displayPath: (url: string) => string, readSource: (url: string) => string | undefined): string {
  if (url === '' || isNodeInternal(url)) return `module variable ${name}`;
  const source = readSource(url);
  const line = source === undefined ? undefined : declarationLine(source, name);
  return `module variable ${name} (${displayPath(url)}${line === undefined ? '' : `:${line}`})`;
}

/**
 * An exported variable lives in a cell of its module's exports table (name, cell, … per entry):
 * the edge into the cell names its slot, the slot before holds the name.
 */
function exportName(graph: HeapGraph, edgeIntoCell: number): { name: string; url: string } | undefined {
  const table = graph.edgeFrom(edgeIntoCell);
  const slot = toNumber(graph.edgeName(edgeIntoCell));
  if (!numberIsInteger(slot) || slot < 1) return undefined;
  let module = -1;
  for (let eR = graph.firstRetainer(table), eEnd = graph.endRetainer(table); eR < eEnd; eR++) {
    const e = graph.retainerEdge(eR);
    if (graph.nodeName(graph.edgeFrom(e)) === 'system / SourceTextModule') module = graph.edgeFrom(e);
  }
  if (module < 0) return undefined;
  const key = graph.child(table, 'internal', `${slot - 1}`);
  if (key < 0 || graph.nodeType(key) !== 'string') return undefined;
  return { name: graph.nodeName(key), url: moduleUrl(graph, module) };
}

/** A module's URL: the script of its code (the module's function, through its generator or a closure). */
function moduleUrl(graph: HeapGraph, module: number): string {
  for (let e = graph.firstEdge(module); e < graph.endEdge(module); e++) {
    const to = graph.edgeTo(e);
    const fn = graph.nodeType(to) === 'closure' ? to : graph.child(to, 'internal', 'function');
    if (fn >= 0) {
      const url = scriptOf(graph, fn);
      if (url !== '') return url;
    }
  }
  return '';
}
