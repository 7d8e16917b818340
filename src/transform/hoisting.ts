/**
 * An async function's body is wrapped in `try{ … }finally{ … }`, which moves its statements into a
 * block. That is invisible except for function declarations at the top of the body: there they
 * are var-scoped, in a block they are lexical. The difference shows only when such a function
 * shares its name with a `var`, with another top-level function, or with a function declared in a
 * nested block (whose sloppy-mode hoisting a lexical name blocks), or when direct `eval` could
 * declare a `var` of that name. Those functions are left uninstrumented rather than changed.
 */

import { CHILD_KEYS, collectPatternNames, isFunctionNode, type AnyNode } from './ast.ts';

export function blockWouldChangeScoping(body: AnyNode): boolean {
  const topLevel = new Set<string>();
  for (const statement of body.body as AnyNode[]) {
    const declaration = unlabel(statement);
    if (declaration.type !== 'FunctionDeclaration') continue;
    if (topLevel.has(declaration.id.name)) return true;
    topLevel.add(declaration.id.name);
  }
  if (topLevel.size === 0) return false;
  const found = { eval: false, names: [] as string[] };
  for (const statement of body.body as AnyNode[]) {
    const declaration = unlabel(statement);
    if (declaration.type === 'FunctionDeclaration') continue;
    scan(declaration, found);
  }
  return found.eval || found.names.some((name) => topLevel.has(name));
}

function unlabel(statement: AnyNode): AnyNode {
  let s = statement;
  while (s.type === 'LabeledStatement') s = s.body;
  return s;
}

/** Collects, in the function's own scope, `var` names, nested function declaration names, and direct `eval`. */
function scan(node: AnyNode, found: { eval: boolean; names: string[] }): void {
  if (isFunctionNode(node)) {
    if (node.type === 'FunctionDeclaration') found.names.push(node.id.name);
    return;
  }
  if (node.type === 'VariableDeclaration' && node.kind === 'var') {
    for (const d of node.declarations) collectPatternNames(d.id, found.names);
  }
  if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'eval') found.eval = true;
  const keys = CHILD_KEYS[node.type] ?? Object.keys(node).filter((k) => k !== 'type' && k !== 'start' && k !== 'end');
  for (const key of keys) {
    const child = node[key];
    if (Array.isArray(child)) {
      for (const c of child) if (c !== null && typeof c === 'object' && typeof c.type === 'string') scan(c, found);
    } else if (child !== null && typeof child === 'object' && typeof child.type === 'string') scan(child, found);
  }
}
