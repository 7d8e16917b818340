/** src/heap: the streaming .heapsnapshot parser, the graph's indexes, and shortest retainer paths. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { HeapSnapshotParser, HeapSnapshotSyntaxError } from '../dist/heap/parse.js';
import { parseHeapSnapshotFile } from '../dist/heap/take.js';
import { shortestPaths } from '../dist/heap/paths.js';
import type { HeapGraph } from '../dist/heap/graph.js';

const META = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'detachedness'],
  node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape'], 'string', 'number', 'number', 'number', 'number'],
  edge_fields: ['type', 'name_or_index', 'to_node'],
  edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'], 'string_or_number', 'node'],
  location_fields: ['object_index', 'script_id', 'line', 'column'],
};
const T = { hidden: 0, array: 1, object: 3, closure: 5, number: 7, synthetic: 9 };
const E = { context: 0, element: 1, property: 2, internal: 3, hidden: 4, weak: 6 };

/** A small snapshot in V8's layout: nodes given as [type, name, edges: [edgeType, nameOrIndex, toNodeIndex][]]. */
function snapshotText(nodes: [number, string, [number, string | number, number][]][], locations: number[][] = []): string {
  const strings: string[] = [];
  const str = (s: string): number => {
    const k = strings.indexOf(s);
    if (k >= 0) return k;
    strings.push(s);
    return strings.length - 1;
  };
  const nodeNumbers: number[] = [];
  const edgeNumbers: number[] = [];
  nodes.forEach(([type, name, edges], i) => {
    nodeNumbers.push(type, str(name), i * 2 + 1, 16 * (i + 1), edges.length, 0);
    for (const [et, n, to] of edges) edgeNumbers.push(et, et === E.element || et === E.hidden ? (n as number) : str(n as string), to * 6);
  });
  return (
    `{"snapshot":{"meta":${JSON.stringify(META)},"node_count":${nodes.length},"edge_count":${edgeNumbers.length / 3},"trace_function_count":0},\n` +
    `"nodes":[${nodeNumbers.join(',')}],\n"edges":[${edgeNumbers.join(',')}],\n"trace_function_infos":[],\n"trace_tree":[[1,2,[3,[]]]],\n"samples":[],\n` +
    `"locations":[${locations.map((l) => l.join(',')).join(',\n')}],\n"strings":[${strings.map((s) => JSON.stringify(s)).join(',\n')}]}`
  );
}

function parse(text: string, chunk = text.length): HeapGraph {
  const parser = new HeapSnapshotParser();
  for (let i = 0; i < text.length; i += chunk) parser.write(text.slice(i, i + chunk));
  return parser.end();
}

function describeGraph(g: HeapGraph): string[] {
  const lines: string[] = [];
  for (let i = 0; i < g.nodeCount; i++) {
    const edges: string[] = [];
    for (let e = g.firstEdge(i); e < g.endEdge(i); e++) edges.push(`${g.edgeType(e)}:${g.edgeName(e)}->${g.edgeTo(e)}`);
    lines.push(`${i} ${g.nodeType(i)} ${JSON.stringify(g.nodeName(i))} id=${g.nodeId(i)} size=${g.selfSize(i)} [${edges.join(' ')}]`);
  }
  return lines;
}

// root → (GC roots) → global → holder (class Holder) → .fn (closure) → context → variable r → target,
// and a second way: global → other → element 0 → target; a weak edge straight from the root.
const SAMPLE: [number, string, [number, string | number, number][]][] = [
  [T.synthetic, '', [[E.element, 1, 1], [E.weak, 'w', 7]]],
  [T.synthetic, '(GC roots)', [[E.property, 'global', 2]]],
  [T.object, 'global / ', [[E.property, 'holder', 3], [E.property, 'other', 6]]],
  [T.object, 'Holder', [[E.property, 'fn', 4]]],
  [T.closure, 'fn', [[E.internal, 'context', 5]]],
  [T.object, 'system / Context', [[E.context, 'r', 7]]],
  [T.array, '', [[E.element, 0, 8]]],
  [T.closure, 'resolve "quoted"\n\u00e9', []],
  [T.number, 'smi number', [[E.internal, 'value', 9]]],
  [T.hidden, '3600000', []],
];

describe('HeapSnapshotParser', () => {
  it('reads nodes, edges, strings (escapes too) and locations, whatever the chunk boundaries', () => {
    const text = snapshotText(SAMPLE, [[4 * 6, 7, 11, 2]]);
    const whole = describeGraph(parse(text));
    assert.deepEqual(whole, [
      '0 synthetic "" id=1 size=16 [element:1->1 weak:w->7]',
      '1 synthetic "(GC roots)" id=3 size=32 [property:global->2]',
      '2 object "global / " id=5 size=48 [property:holder->3 property:other->6]',
      '3 object "Holder" id=7 size=64 [property:fn->4]',
      '4 closure "fn" id=9 size=80 [internal:context->5]',
      '5 object "system / Context" id=11 size=96 [context:r->7]',
      '6 array "" id=13 size=112 [element:0->8]',
      '7 closure "resolve \\"quoted\\"\\né" id=15 size=128 []',
      '8 number "smi number" id=17 size=144 [internal:value->9]',
      '9 hidden "3600000" id=19 size=160 []',
    ]);
    for (let chunk = 1; chunk < 40; chunk++) assert.deepEqual(describeGraph(parse(text, chunk)), whole, `chunks of ${chunk}`);
    const g = parse(text);
    assert.deepEqual(g.locationOf(4), { scriptId: 7, line: 11, column: 2 });
    assert.equal(g.locationOf(3), undefined);
    assert.equal(g.numberValue(8), 3600000);
    assert.equal(g.numberValue(3), undefined);
  });

  it('accepts bytes split inside a multi-byte character', () => {
    const bytes = new TextEncoder().encode(snapshotText(SAMPLE));
    const parser = new HeapSnapshotParser();
    for (let i = 0; i < bytes.length; i += 3) parser.write(bytes.subarray(i, i + 3));
    assert.equal(parser.end().nodeName(7), 'resolve "quoted"\n\u00e9');
  });

  it('refuses what is not a snapshot, and one cut short', () => {
    assert.throws(() => parse('{"a":1,"nodes":[]}'), { name: 'HeapSnapshotSyntaxError', message: 'not a V8 heap snapshot: no meta, node_count or edge_count' });
    const text = snapshotText(SAMPLE);
    assert.throws(() => parse(text.slice(0, text.indexOf('"edges"'))), HeapSnapshotSyntaxError);
    assert.throws(() => parse(text.replace('"nodes":[9,', '"nodes":[9,-')), { message: 'not a V8 heap snapshot: a number section holds a negative or fractional number' });
  });

  it("reads this process's own snapshot as JSON.parse reads it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-heap-test-'));
    try {
      const file = writeHeapSnapshot(join(dir, 'h.heapsnapshot'), { exposeNumericValues: true });
      const g = parseHeapSnapshotFile(file);
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        snapshot: { meta: { node_fields: string[]; edge_fields: string[] } };
        nodes: number[];
        edges: number[];
        strings: string[];
        locations: number[];
      };
      // Node.js 22 has one node field fewer than 24 and 26: read the counts from the meta.
      const nf = json.snapshot.meta.node_fields.length;
      const ef = json.snapshot.meta.edge_fields.length;
      const idAt = json.snapshot.meta.node_fields.indexOf('id');
      assert.equal(g.nodeCount * nf, json.nodes.length);
      assert.equal(g.edgeCount * ef, json.edges.length);
      assert.deepEqual(g.strings, json.strings);
      for (let i = 0; i < g.nodeCount; i++) assert.equal(g.nodeId(i), json.nodes[i * nf + idAt]);
      for (let e = 0; e < g.edgeCount; e++) assert.equal(g.edgeTo(e) * nf, json.edges[e * ef + ef - 1]);
      const k = json.locations.length - 4;
      assert.deepEqual(g.locationOf(json.locations[k]! / nf), { scriptId: json.locations[k + 1], line: json.locations[k + 2], column: json.locations[k + 3] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retainers are the edges into a node', () => {
    const g = parse(snapshotText(SAMPLE));
    assert.deepEqual([...g.retainerEdges(7)].map((e) => `${g.edgeFrom(e)} ${g.edgeType(e)}:${g.edgeName(e)}`), ['0 weak:w', '5 context:r']);
    assert.deepEqual([...g.retainerEdges(8)].map((e) => g.edgeFrom(e)), [6]);
    assert.deepEqual([g.indexOfId(7), g.indexOfId(19), g.indexOfId(8)], [3, 9, -1]);
    assert.deepEqual(g.edgesNamed('property', 'fn').map((e) => g.edgeFrom(e)), [3]);
    assert.deepEqual(g.edgesNamed('property', 'nothing'), []);
  });
});

describe('shortestPaths', () => {
  const g = parse(snapshotText(SAMPLE));
  const names = (edges: number[] | undefined): string | undefined => edges?.map((e) => `${g.edgeType(e)}:${g.edgeName(e)}`).join(' ');

  it('follows strong edges only, one walk for every group of targets', () => {
    const [a, b, c] = shortestPaths(g, [[7], [8, 7], [9]], new Uint8Array(g.nodeCount));
    assert.equal(names(a?.edges), 'element:1 property:global property:holder property:fn internal:context context:r');
    assert.equal(names(b?.edges), 'element:1 property:global property:other element:0');
    assert.equal(b?.target, 8);
    // Through another group's target.
    assert.equal(names(c?.edges), 'element:1 property:global property:other element:0 internal:value');
  });

  it('never passes through excluded nodes', () => {
    const excluded = new Uint8Array(g.nodeCount);
    excluded[3] = 1;
    const [a] = shortestPaths(g, [[7]], excluded);
    assert.equal(a, undefined);
    excluded[3] = 0;
    excluded[6] = 1;
    assert.equal(names(shortestPaths(g, [[8]], excluded)[0]?.edges), undefined);
  });
});
