/**
 * `AwaitInstrumentation({ holders: true })`: the `pending await` span of a chain's first report
 * gets `awaitwhat.holder` (who can settle the promise the chain waits for, from a heap snapshot),
 * `awaitwhat.holder.state` and `awaitwhat.holder.package`. Only a chain's first report pays for a
 * heap snapshot (one per sample, for every chain reported for the first time in it); later reports
 * of the same chain have no holder attributes. Off by default: a heap snapshot stops the program.
 */

import type { Attributes } from '@opentelemetry/api';
import type { RuntimeInternals } from '../runtime/internals.ts';
import type { LeafHolder, LeafNode } from '../snapshot/schema.ts';
import { HOLDER, HOLDER_PACKAGE, HOLDER_STATE } from './attributes.ts';

export class FirstReportHolders {
  /** Innermost frames whose chain has had its first report (with holders or without). */
  readonly #reported = new WeakSet<object>();

  /**
   * Holders of the leaves of the chains reported for the first time, by leaf id (the ids of a graph
   * built again in the same synchronous turn are the same); undefined when none is new.
   */
  forFirstReports(rt: RuntimeInternals, chains: readonly { leaf: LeafNode | undefined; innermost: object | undefined }[], omitText: boolean): Map<string, LeafHolder> | undefined {
    let fresh = false;
    for (const chain of chains) {
      if (chain.innermost === undefined || this.#reported.has(chain.innermost)) continue;
      this.#reported.add(chain.innermost);
      if (chain.leaf?.valueKind === 'promise') fresh = true;
    }
    if (!fresh) return undefined;
    const graph = rt.graph({ absolutePaths: true, holders: { omitText } });
    const holders = new Map<string, LeafHolder>();
    for (const node of graph.snapshot.nodes) if (node.type === 'leaf' && node.holder !== undefined) holders.set(node.id, node.holder);
    return holders;
  }
}

/** The holder attributes of a chain's pending span, or none. */
export function holderAttributes(holders: Map<string, LeafHolder> | undefined, leaf: LeafNode | undefined): Attributes {
  const holder = leaf === undefined ? undefined : holders?.get(leaf.id);
  if (holder === undefined) return {};
  const attributes: Attributes = { [HOLDER]: holder.state === 'held' ? `held by ${holder.text}` : holder.state === 'native' ? `settled by ${holder.text}` : holder.text, [HOLDER_STATE]: holder.state };
  if (holder.package !== null) attributes[HOLDER_PACKAGE] = holder.package;
  return attributes;
}
