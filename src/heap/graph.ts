/**
 * A parsed heap snapshot: nodes and edges in typed arrays, addressed by position (node index 0 is
 * the synthetic root), with out-edges by node, retainers (in-edges) built on first use, names,
 * numbers' values, and closures' source positions.
 */

import { listIndexOf, newList, numberIsNaN, publish, SafeMap, toNumber, Uint32ArrayConstructor } from '../runtime/intrinsics.ts';

export interface HeapMeta {
  nodeFields: string[];
  edgeFields: string[];
  nodeTypes: string[];
  edgeTypes: string[];
  locationFields: string[];
  nodeCount: number;
  edgeCount: number;
}

/** V8's node types (meta `node_types[0]`), by the names every version uses. */
export type NodeType =
  | 'hidden'
  | 'array'
  | 'string'
  | 'object'
  | 'code'
  | 'closure'
  | 'regexp'
  | 'number'
  | 'native'
  | 'synthetic'
  | 'concatenated string'
  | 'sliced string'
  | 'symbol'
  | 'bigint'
  | 'object shape';

/** V8's edge types (meta `edge_types[0]`). */
export type EdgeType = 'context' | 'element' | 'property' | 'internal' | 'hidden' | 'shortcut' | 'weak';

export interface SourcePosition {
  scriptId: number;
  /** 0-based, as V8 gives them. */
  line: number;
  column: number;
}

export class HeapGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly strings: readonly string[];
  readonly #nodeFieldCount: number;
  readonly #edgeFieldCount: number;
  readonly #nodes: Uint32Array;
  readonly #edges: Uint32Array;
  readonly #nodeTypes: readonly string[];
  readonly #edgeTypes: readonly string[];
  /** Edges of node i are firstEdge[i] .. firstEdge[i + 1] - 1. */
  readonly #firstEdge: Uint32Array;
  /** Each edge's target as a node index (the file stores an offset into `nodes`). */
  readonly #edgeTo: Uint32Array;
  readonly #typeField: number;
  readonly #nameField: number;
  readonly #idField: number;
  readonly #sizeField: number;
  readonly #edgeTypeField: number;
  readonly #edgeNameField: number;
  readonly #locations: Uint32Array;
  readonly #locationFieldCount: number;
  #locationOf: SafeMap<number, number> | undefined;
  #firstRetainer: Uint32Array | undefined;
  #retainerEdges: Uint32Array | undefined;
  /** Edge index → the node it leaves, filled with the retainers. */
  #edgeFrom: Uint32Array | undefined;
  #elementType: number;
  #hiddenType: number;
  #weakType: number;

  constructor(meta: HeapMeta, nodes: Uint32Array, edges: Uint32Array, strings: readonly string[], locations: Uint32Array) {
    this.#nodeFieldCount = meta.nodeFields.length;
    this.#edgeFieldCount = meta.edgeFields.length;
    this.nodeCount = nodes.length / this.#nodeFieldCount;
    this.edgeCount = edges.length / this.#edgeFieldCount;
    this.#nodes = nodes;
    this.#edges = edges;
    this.strings = strings;
    this.#nodeTypes = meta.nodeTypes;
    this.#edgeTypes = meta.edgeTypes;
    this.#typeField = listIndexOf(meta.nodeFields, 'type');
    this.#nameField = listIndexOf(meta.nodeFields, 'name');
    this.#idField = listIndexOf(meta.nodeFields, 'id');
    this.#sizeField = listIndexOf(meta.nodeFields, 'self_size');
    const countField = listIndexOf(meta.nodeFields, 'edge_count');
    this.#edgeTypeField = listIndexOf(meta.edgeFields, 'type');
    this.#edgeNameField = listIndexOf(meta.edgeFields, 'name_or_index');
    const toField = listIndexOf(meta.edgeFields, 'to_node');
    this.#elementType = listIndexOf(meta.edgeTypes, 'element');
    this.#hiddenType = listIndexOf(meta.edgeTypes, 'hidden');
    this.#weakType = listIndexOf(meta.edgeTypes, 'weak');
    const n = this.nodeCount;
    const firstEdge = new Uint32ArrayConstructor(n + 1);
    let e = 0;
    for (let i = 0; i < n; i++) {
      firstEdge[i] = e;
      e += nodes[i * this.#nodeFieldCount + countField]!;
    }
    firstEdge[n] = e;
    if (e !== this.edgeCount) throw new Error(`heap snapshot: nodes declare ${e} edges, the snapshot has ${this.edgeCount}`);
    this.#firstEdge = firstEdge;
    const edgeTo = new Uint32ArrayConstructor(this.edgeCount);
    for (let k = 0; k < this.edgeCount; k++) {
      const offset = edges[k * this.#edgeFieldCount + toField]!;
      edgeTo[k] = offset / this.#nodeFieldCount;
    }
    this.#edgeTo = edgeTo;
    this.#locations = locations;
    this.#locationFieldCount = meta.locationFields.length;
  }

  nodeType(i: number): NodeType {
    return this.#nodeTypes[this.#nodes[i * this.#nodeFieldCount + this.#typeField]!] as NodeType;
  }

  nodeName(i: number): string {
    return this.strings[this.#nodes[i * this.#nodeFieldCount + this.#nameField]!] ?? '';
  }

  /** The snapshot's object id (stable across snapshots of one process while object ids are tracked). */
  nodeId(i: number): number {
    return this.#nodes[i * this.#nodeFieldCount + this.#idField]!;
  }

  /** The node with this snapshot object id (`HeapProfiler.getHeapObjectId`), or -1; one pass over the nodes. */
  indexOfId(id: number): number {
    const f = this.#nodeFieldCount;
    for (let i = 0; i < this.nodeCount; i++) if (this.#nodes[i * f + this.#idField] === id) return i;
    return -1;
  }

  selfSize(i: number): number {
    return this.#nodes[i * this.#nodeFieldCount + this.#sizeField]!;
  }

  firstEdge(i: number): number {
    return this.#firstEdge[i]!;
  }

  /** One past node i's last edge. */
  endEdge(i: number): number {
    return this.#firstEdge[i + 1]!;
  }

  edgeType(e: number): EdgeType {
    return this.#edgeTypes[this.#edges[e * this.#edgeFieldCount + this.#edgeTypeField]!] as EdgeType;
  }

  isWeak(e: number): boolean {
    return this.#edges[e * this.#edgeFieldCount + this.#edgeTypeField] === this.#weakType;
  }

  /** A property, variable or internal edge's name; an element or hidden edge's index, as a string. */
  edgeName(e: number): string {
    const type = this.#edges[e * this.#edgeFieldCount + this.#edgeTypeField];
    const value = this.#edges[e * this.#edgeFieldCount + this.#edgeNameField]!;
    if (type === this.#elementType || type === this.#hiddenType) return `${value}`;
    return this.strings[value] ?? '';
  }

  edgeTo(e: number): number {
    return this.#edgeTo[e]!;
  }

  /** The node edge e leaves. */
  edgeFrom(e: number): number {
    this.#buildRetainers();
    return this.#edgeFrom![e]!;
  }

  /** The first edge of node i of this type and name, or -1. */
  findEdge(i: number, type: EdgeType, name: string): number {
    for (let e = this.#firstEdge[i]!, end = this.#firstEdge[i + 1]!; e < end; e++) {
      if (this.edgeType(e) === type && this.edgeName(e) === name) return e;
    }
    return -1;
  }

  /** Every edge of this type and (string) name, in one pass over the edges' numbers (no string is built per edge). */
  edgesNamed(type: EdgeType, name: string): number[] {
    const typeIndex = listIndexOf(this.#edgeTypes, type);
    const nameIndex = listIndexOf(this.strings, name);
    const found = newList<number>();
    if (typeIndex < 0 || nameIndex < 0 || type === 'element' || type === 'hidden') return publish(found);
    const f = this.#edgeFieldCount;
    const edges = this.#edges;
    const typeField = this.#edgeTypeField;
    const nameField = this.#edgeNameField;
    for (let e = 0, n = this.edgeCount; e < n; e++) {
      if (edges[e * f + nameField] === nameIndex && edges[e * f + typeField] === typeIndex) found[found.length] = e;
    }
    return publish(found);
  }

  /** The node an edge of this type and name leads to, or -1. */
  child(i: number, type: EdgeType, name: string): number {
    const e = this.findEdge(i, type, name);
    return e < 0 ? -1 : this.#edgeTo[e]!;
  }

  /**
   * Where `i`'s retainers start in `retainerEdge`'s order: `for (let r = graph.firstRetainer(i),
   * end = graph.endRetainer(i); r < end; r++) graph.retainerEdge(r)` walks them by index (no typed
   * array iterator, which the program can replace, and no `subarray`, which reads the array's
   * `constructor`).
   */
  firstRetainer(i: number): number {
    this.#buildRetainers();
    return this.#firstRetainer![i]!;
  }

  /** Where `i`'s retainers end (see `firstRetainer`). */
  endRetainer(i: number): number {
    this.#buildRetainers();
    return this.#firstRetainer![i + 1]!;
  }

  /** The `r`th retainer edge, grouped by the node retained (see `firstRetainer`). */
  retainerEdge(r: number): number {
    return this.#retainerEdges![r]!;
  }

  /** The edges that lead to node i (its retainers are their `edgeFrom`): for tests and tools; a report walks them with `firstRetainer`. */
  retainerEdges(i: number): Uint32Array {
    this.#buildRetainers();
    return this.#retainerEdges!.subarray(this.#firstRetainer![i]!, this.#firstRetainer![i + 1]!);
  }

  /**
   * A number node's value (`smi number`/`heap number` nodes carry it in an `internal:value` edge
   * to a string, when the snapshot was taken with numeric values exposed); undefined otherwise.
   */
  numberValue(i: number): number | undefined {
    if (this.nodeType(i) !== 'number') return undefined;
    const v = this.child(i, 'internal', 'value');
    if (v < 0) return undefined;
    const n = toNumber(this.nodeName(v));
    return numberIsNaN(n) && this.nodeName(v) !== 'NaN' ? undefined : n;
  }

  /** Where a closure's (or generator's) function is defined, from the `locations` section. */
  locationOf(i: number): SourcePosition | undefined {
    if (this.#locationOf === undefined) {
      const map = new SafeMap<number, number>();
      const f = this.#locationFieldCount;
      for (let k = 0; k + f <= this.#locations.length; k += f) map.set(this.#locations[k]! / this.#nodeFieldCount, k);
      this.#locationOf = map;
    }
    const k = this.#locationOf.get(i);
    if (k === undefined) return undefined;
    return { scriptId: this.#locations[k + 1]!, line: this.#locations[k + 2]!, column: this.#locations[k + 3]! };
  }

  #buildRetainers(): void {
    if (this.#firstRetainer !== undefined) return;
    const n = this.nodeCount;
    const m = this.edgeCount;
    const first = new Uint32ArrayConstructor(n + 1);
    for (let e = 0; e < m; e++) first[this.#edgeTo[e]! + 1]!++;
    for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
    const fill = new Uint32ArrayConstructor(n);
    for (let i = 0; i < n; i++) fill[i] = first[i]!;
    const list = new Uint32ArrayConstructor(m);
    const from = new Uint32ArrayConstructor(m);
    for (let i = 0; i < n; i++) {
      for (let e = this.#firstEdge[i]!, end = this.#firstEdge[i + 1]!; e < end; e++) {
        list[fill[this.#edgeTo[e]!]!++] = e;
        from[e] = i;
      }
    }
    this.#firstRetainer = first;
    this.#retainerEdges = list;
    this.#edgeFrom = from;
  }
}
