/**
 * A graph view as sorted lines of text, so that two views are equal exactly when their lines are,
 * and a difference reads as a diff. Identity without ids:
 * - a frame is `f3#1`: its function, and its rank among that function's pending frames by creation;
 * - any other node is named after what refers to it: `leaf{f3#0,combinator{f2#0}[1]}` is the leaf
 *   that frame f3#0 awaits and that is member 1 of the combinator f2#0 awaits. Two nodes with the
 *   same referrers cannot both be right, so a node that is split or merged shows.
 * Every line also lists the node's `awaitedBy`, which must agree with the others' `awaits`.
 * A listed cycle is checked against the view's own edges (the schema: frames in await order, each
 * awaiting the next directly or through combinators and groups, the last the first, starting with
 * the oldest) and written as the strongly connected component it lies in, so that any valid choice
 * of cycle in a component reads the same.
 */

import { componentsOf } from './components.ts';
import type { GraphView, ViewNode } from './view.ts';

export function canonicalLines(view: GraphView): string[] {
  const { nodes } = view;
  const names = nameNodes(nodes);
  const name = (i: number) => names[i] ?? `?${i}`;
  const list = (ids: readonly number[], sorted = false) => `[${(sorted ? ids.map(name).sort() : ids.map(name)).join(', ')}]`;
  const lines: string[] = [];
  nodes.forEach((node, i) => {
    const edges = `-> ${list(node.awaits)} <- ${list(node.awaitedBy, true)}`;
    lines.push(`${name(i)} ${describe(node)} ${edges}`);
    if (node.type === 'combinator') {
      for (const m of node.members) lines.push(`${name(i)} [${m.index}] ${m.state} ${JSON.stringify(m.text)} -> ${m.node === null ? '-' : name(m.node)}`);
    }
  });
  lines.push(`roots ${list(view.roots)}`);
  const component = componentsOf(nodes);
  for (const cycle of view.cycles) {
    const problem = cycleProblem(cycle, nodes, component);
    if (problem !== null) {
      lines.push(`cycle ${list(cycle)} is no cycle: ${problem}`);
      continue;
    }
    const members = nodes.flatMap((n, i) => (n.type === 'frame' && component[i] === component[cycle[0]!] ? [i] : []));
    lines.push(`cycle from ${name(cycle[0]!)} in component ${list(members, true)}`);
  }
  return lines.sort();
}

/** Why a listed cycle is not one, by the view's own edges; null when it is. */
function cycleProblem(cycle: readonly number[], nodes: readonly ViewNode[], component: readonly number[]): string | null {
  if (cycle.length === 0) return 'empty';
  if (cycle.some((i) => nodes[i]?.type !== 'frame')) return 'not all frames';
  if (new Set(cycle).size !== cycle.length) return 'a frame twice';
  const home = component[cycle[0]!];
  if (cycle.some((i) => component[i] !== home)) return 'frames of different components';
  const order = (i: number) => {
    const n = nodes[i]!;
    return n.type === 'frame' ? n.order : Infinity;
  };
  const oldest = Math.min(...nodes.flatMap((n, i) => (component[i] === home ? [order(i)] : [])));
  if (order(cycle[0]!) !== oldest) return 'does not start with the oldest frame of its component';
  for (let k = 0; k < cycle.length; k++) {
    const from = cycle[k]!;
    const to = cycle[(k + 1) % cycle.length]!;
    if (!awaitsThrough(from, to, nodes)) return `${k === cycle.length - 1 ? 'the last' : `frame ${k}`} does not await the next`;
  }
  return null;
}

/** Whether frame `from` awaits `to` directly or through nodes that are not frames. */
function awaitsThrough(from: number, to: number, nodes: readonly ViewNode[]): boolean {
  const seen = new Set<number>();
  const queue = [...nodes[from]!.awaits];
  while (queue.length > 0) {
    const i = queue.shift()!;
    if (i === to) return true;
    if (seen.has(i) || nodes[i] === undefined || nodes[i]!.type === 'frame') continue;
    seen.add(i);
    queue.push(...nodes[i]!.awaits);
  }
  return false;
}

function describe(node: ViewNode): string {
  switch (node.type) {
    case 'frame':
      return `${node.kind} ${node.fn}@${node.location} ${node.state} ${node.suspendedAt ?? '-'}`;
    case 'combinator': {
      const states = Object.entries(node.states).filter(([, n]) => n > 0).map(([state, n]) => `${state}:${n}`).sort().join(' ');
      return `${node.combinator} total=${node.total} pending=${node.pending} (${states})${node.membersKnown ? '' : ' members unknown'} members=${node.members.length}`;
    }
    case 'group':
      return `calls=${node.calls}`;
    case 'leaf':
      return node.valueKind;
  }
}

/** Frame keys from creation order; then every other node from its referrers, recursively. */
function nameNodes(nodes: readonly ViewNode[]): string[] {
  const names: string[] = [];
  const frames = nodes.map((n, i) => ({ n, i })).filter((x) => x.n.type === 'frame');
  frames.sort((a, b) => (a.n.type === 'frame' && b.n.type === 'frame' ? a.n.order - b.n.order : 0));
  const seen = new Map<string, number>();
  for (const { n, i } of frames) {
    if (n.type !== 'frame') continue;
    const rank = seen.get(n.fn) ?? 0;
    seen.set(n.fn, rank + 1);
    names[i] = `${n.fn}#${rank}`;
  }
  // Who refers to each node, and how: through `awaits`, or as a combinator member.
  const referrers: { from: number; member: number | null }[][] = nodes.map(() => []);
  nodes.forEach((n, from) => {
    if (n.type === 'combinator') {
      const viaMembers = new Set<number>();
      for (const m of n.members) {
        if (m.node !== null) {
          referrers[m.node]?.push({ from, member: m.index });
          viaMembers.add(m.node);
        }
      }
      // A combinator's awaits that no member explains still name their target.
      for (const to of n.awaits) if (!viaMembers.has(to)) referrers[to]?.push({ from, member: null });
    } else {
      for (const to of n.awaits) referrers[to]?.push({ from, member: null });
    }
  });
  const naming = new Set<number>();
  const nameOf = (i: number): string => {
    const known = names[i];
    if (known !== undefined) return known;
    // A loop among nodes that are not frames cannot be named by referrers; it cannot happen either.
    if (naming.has(i)) return `loop${i}`;
    naming.add(i);
    const refs = referrers[i]!.map((r) => (r.member === null ? nameOf(r.from) : `${nameOf(r.from)}[${r.member}]`)).sort();
    naming.delete(i);
    const name = `${nodes[i]!.type}{${refs.length === 0 ? `unreferenced#${i}` : refs.join(',')}}`;
    names[i] = name;
    return name;
  };
  nodes.forEach((_, i) => nameOf(i));
  return names;
}
