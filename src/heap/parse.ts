/**
 * A streaming parser of V8's `.heapsnapshot` JSON into typed arrays. Chunks come from the
 * inspector (`HeapProfiler.addHeapSnapshotChunk`, strings) or a file read piece by piece (bytes);
 * only the current chunk and a few bytes carried over between chunks are ever held as text, so a
 * snapshot of millions of objects (hundreds of MB of JSON, near V8's maximum string length) costs
 * its typed arrays and its strings, not its text.
 *
 * The format (every Node.js from 22 to 26): `{"snapshot":{"meta":{…},"node_count":N,"edge_count":M,
 * …},"nodes":[…],"edges":[…],"trace_function_infos":[…],"trace_tree":[…],"samples":[…],
 * "locations":[…],"strings":[…]}`. The header is small and parsed with JSON.parse; the number
 * sections are read digit by digit; `strings` string by string. Unknown sections are skipped.
 */

import {
  getOwnPropertyDescriptor,
  hasOwn,
  isArray,
  jsonParse,
  newList,
  publish,
  type List,
  listIndexOf,
  regExpExec,
  stringCharCodeAt,
  stringEndsWith,
  stringIndexOf,
  stringSlice,
  stringTrimEnd,
  textDecode,
  TextDecoderConstructor,
  Uint32ArrayConstructor,
} from '../runtime/intrinsics.ts';
import { HeapGraph, type HeapMeta } from './graph.ts';

// Captured at load: the parser runs inside the program's process (a report), where the program
// may have replaced these; and the loops below call them once per string of the snapshot.
const sliceOf = stringSlice;
const indexIn = stringIndexOf;

/**
 * The character code at `i`, for the loops below (once per character of the snapshot's JSON). The
 * captured `stringCharCodeAt` cost the parse about 10 % (BENCHMARKS.md); while the program has not
 * replaced `String.prototype.charCodeAt` (looked at once per chunk, by its descriptor, which runs no
 * code), the direct call is the same function and V8 inlines it.
 */
type CharCodeAt = (text: string, i: number) => number;
const directCharCodeAt: CharCodeAt = (text, i) => text.charCodeAt(i);
const originalCharCodeAt = String.prototype.charCodeAt;
const StringPrototype = String.prototype;
function charCodeReader(): CharCodeAt {
  const d = getOwnPropertyDescriptor(StringPrototype, 'charCodeAt');
  return d !== undefined && hasOwn(d, 'value') && d.value === originalCharCodeAt ? directCharCodeAt : stringCharCodeAt;
}

export class HeapSnapshotSyntaxError extends Error {
  constructor(message: string) {
    super(`not a V8 heap snapshot: ${message}`);
    this.name = 'HeapSnapshotSyntaxError';
  }
}

/** Where the parser is. */
const State = {
  Header: 0,
  /** Between sections: looking for `"name":[`. */
  Key: 1,
  Numbers: 2,
  Strings: 3,
  Skip: 4,
  Done: 5,
} as const;
type State = (typeof State)[keyof typeof State];

/** Headers longer than this are not a heap snapshot (V8's is under 2 kB). */
const MAX_HEADER = 1 << 16;

export class HeapSnapshotParser {
  #state: State = State.Header;
  #text = '';
  #meta: HeapMeta | undefined;
  #nodes: Uint32Array = new Uint32ArrayConstructor(0);
  #edges: Uint32Array = new Uint32ArrayConstructor(0);
  // Lists (no prototype): storing past their end reaches no setter of Array.prototype.
  #locations = newList<number>();
  /** The typed array or list the current number section fills, and how far. */
  #target: Uint32Array | List<number> | undefined;
  #count = 0;
  /** A number split across chunks: its value so far, and whether any digit was read. */
  #number = 0;
  #inNumber = false;
  #skipDepth = 0;
  readonly #strings = newList<string>();
  readonly #decoder = new TextDecoderConstructor('utf-8', { fatal: false });

  /** Feeds the next piece of the snapshot, as text or UTF-8 bytes. */
  write(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : textDecode(this.#decoder, chunk, { stream: true });
    this.#feed(text);
  }

  /** The parsed graph; throws `HeapSnapshotSyntaxError` when the snapshot was incomplete. */
  end(): HeapGraph {
    this.#feed(textDecode(this.#decoder));
    if (this.#state !== State.Done && !(this.#state === State.Key && this.#strings.length > 0)) {
      throw new HeapSnapshotSyntaxError('it ended early');
    }
    const meta = this.#meta!;
    if (this.#nodes.length !== meta.nodeCount * meta.nodeFields.length) throw new HeapSnapshotSyntaxError('node count does not match its nodes');
    const locations = new Uint32ArrayConstructor(this.#locations.length);
    for (let k = 0; k < locations.length; k++) locations[k] = this.#locations[k]!;
    return new HeapGraph(meta, this.#nodes, this.#edges, publish(this.#strings), locations);
  }

  #feed(text: string): void {
    const charCodeAt = charCodeReader();
    let i = 0;
    if (this.#text.length > 0) {
      text = this.#text + text;
      this.#text = '';
    }
    while (i < text.length) {
      switch (this.#state) {
        case State.Header:
          i = this.#header(text);
          break;
        case State.Key:
          i = this.#key(text, i);
          break;
        case State.Numbers:
          i = this.#numbers(text, i, charCodeAt);
          break;
        case State.Strings:
          i = this.#stringsSection(text, i, charCodeAt);
          break;
        case State.Skip:
          i = this.#skip(text, i, charCodeAt);
          break;
        case State.Done:
          return;
      }
      if (i < 0) return; // waiting for more text (kept in #text)
    }
  }

  #header(text: string): number {
    const at = indexIn(text, '"nodes"');
    if (at < 0) {
      if (text.length > MAX_HEADER) throw new HeapSnapshotSyntaxError('no "nodes" section');
      this.#text = text;
      return -1;
    }
    const head = stringTrimEnd(sliceOf(text, 0, at));
    if (!stringEndsWith(head, ',')) throw new HeapSnapshotSyntaxError('unexpected header');
    let parsed: { snapshot?: { meta?: Record<string, unknown>; node_count?: number; edge_count?: number } };
    try {
      parsed = jsonParse(sliceOf(head, 0, -1) + '}') as typeof parsed;
    } catch {
      throw new HeapSnapshotSyntaxError('the header is not JSON');
    }
    this.#meta = readMeta(parsed.snapshot);
    this.#nodes = new Uint32ArrayConstructor(this.#meta.nodeCount * this.#meta.nodeFields.length);
    this.#edges = new Uint32ArrayConstructor(this.#meta.edgeCount * this.#meta.edgeFields.length);
    this.#state = State.Key;
    return at;
  }

  /** At `"name":[`, starts that section. */
  #key(text: string, i: number): number {
    const open = indexIn(text, '[', i);
    const close = indexIn(text, '}', i);
    if (close >= 0 && (open < 0 || close < open)) {
      this.#state = State.Done;
      return text.length;
    }
    if (open < 0) {
      this.#text = sliceOf(text, i);
      return -1;
    }
    const name = regExpExec(/"([a-z_]+)"\s*:\s*$/, sliceOf(text, i, open))?.[1];
    this.#count = 0;
    this.#number = 0;
    this.#inNumber = false;
    switch (name) {
      case 'nodes':
        this.#target = this.#nodes;
        this.#state = State.Numbers;
        break;
      case 'edges':
        this.#target = this.#edges;
        this.#state = State.Numbers;
        break;
      case 'locations':
        this.#target = this.#locations;
        this.#state = State.Numbers;
        break;
      case 'strings':
        this.#state = State.Strings;
        break;
      default:
        this.#skipDepth = 1;
        this.#state = State.Skip;
    }
    return open + 1;
  }

  /** Non-negative integers separated by commas and whitespace, up to `]`. */
  #numbers(text: string, i: number, charCodeAt: CharCodeAt): number {
    const target = this.#target!;
    const typed = !isArray(target);
    let n = this.#number;
    let inNumber = this.#inNumber;
    let count = this.#count;
    const length = text.length;
    for (; i < length; i++) {
      const c = charCodeAt(text, i);
      if (c >= 48 && c <= 57) {
        n = n * 10 + (c - 48);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (typed) {
          if (count >= target.length) throw new HeapSnapshotSyntaxError('more numbers than the header announced');
          target[count++] = n;
        } else (target as List<number>)[count++] = n;
        n = 0;
        inNumber = false;
      }
      if (c === 93 /* ] */) {
        this.#state = State.Key;
        this.#target = undefined;
        this.#count = count;
        return i + 1;
      }
      if (c === 45 /* - */ || c === 46 /* . */) throw new HeapSnapshotSyntaxError('a number section holds a negative or fractional number');
    }
    this.#number = n;
    this.#inNumber = inNumber;
    this.#count = count;
    return length;
  }

  /** JSON strings separated by commas, up to `]`; a string split across chunks waits for the rest. */
  #stringsSection(text: string, i: number, charCodeAt: CharCodeAt): number {
    const length = text.length;
    while (i < length) {
      const c = charCodeAt(text, i);
      if (c === 93 /* ] */) {
        this.#state = State.Key;
        return i + 1;
      }
      if (c !== 34 /* " */) {
        i++;
        continue;
      }
      let j = i + 1;
      let escaped = false;
      for (; j < length; j++) {
        const d = charCodeAt(text, j);
        if (d === 92 /* \ */) {
          escaped = true;
          j++;
        } else if (d === 34) break;
      }
      if (j >= length) {
        this.#text = sliceOf(text, i);
        return -1;
      }
      const strings = this.#strings;
      strings[strings.length] = escaped ? (jsonParse(sliceOf(text, i, j + 1)) as string) : sliceOf(text, i + 1, j);
      i = j + 1;
    }
    return length;
  }

  /** A section not used (trace tree, samples): numbers and nested arrays, up to its `]`. */
  #skip(text: string, i: number, charCodeAt: CharCodeAt): number {
    let depth = this.#skipDepth;
    const length = text.length;
    for (; i < length; i++) {
      const c = charCodeAt(text, i);
      if (c === 91) depth++;
      else if (c === 93 && --depth === 0) {
        this.#state = State.Key;
        return i + 1;
      }
    }
    this.#skipDepth = depth;
    return length;
  }
}

function readMeta(snapshot: { meta?: Record<string, unknown>; node_count?: number; edge_count?: number } | undefined): HeapMeta {
  const meta = snapshot?.meta;
  if (meta === undefined || typeof snapshot?.node_count !== 'number' || typeof snapshot.edge_count !== 'number') {
    throw new HeapSnapshotSyntaxError('no meta, node_count or edge_count');
  }
  const nodeFields = meta['node_fields'];
  const edgeFields = meta['edge_fields'];
  const nodeTypes = (meta['node_types'] as unknown[] | undefined)?.[0];
  const edgeTypes = (meta['edge_types'] as unknown[] | undefined)?.[0];
  const locationFields = meta['location_fields'] ?? ['object_index', 'script_id', 'line', 'column'];
  if (!isStrings(nodeFields) || !isStrings(edgeFields) || !isStrings(nodeTypes) || !isStrings(edgeTypes) || !isStrings(locationFields)) {
    throw new HeapSnapshotSyntaxError('meta lacks its field and type lists');
  }
  const nodeNeeds = ['type', 'name', 'id', 'self_size', 'edge_count'];
  for (let k = 0; k < nodeNeeds.length; k++) if (listIndexOf(nodeFields, nodeNeeds[k]!) < 0) throw new HeapSnapshotSyntaxError(`nodes have no ${nodeNeeds[k]!}`);
  const edgeNeeds = ['type', 'name_or_index', 'to_node'];
  for (let k = 0; k < edgeNeeds.length; k++) if (listIndexOf(edgeFields, edgeNeeds[k]!) < 0) throw new HeapSnapshotSyntaxError(`edges have no ${edgeNeeds[k]!}`);
  return { nodeFields, edgeFields, nodeTypes, edgeTypes, locationFields, nodeCount: snapshot.node_count, edgeCount: snapshot.edge_count };
}

function isStrings(v: unknown): v is string[] {
  if (!isArray(v)) return false;
  for (let k = 0; k < v.length; k++) if (typeof v[k] !== 'string') return false;
  return true;
}
