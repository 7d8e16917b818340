/**
 * Names for async functions as a reader of a report expects them: the declared name, else the
 * binding or property the function is assigned to (as V8 infers names for stack traces), prefixed
 * with the class or object it belongs to (`Repo.findUser`, `Repo.#load`, `api.fetchUser`).
 */

import type { AnyNode } from './ast.ts';

const MAX_MEMBER_TEXT = 60;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function inferFunctionName(fn: AnyNode, ancestors: readonly AnyNode[], source: string): string {
  if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) return fn.id.name;
  let at = ancestors.length - 1;
  let child = fn;
  while (ancestors[at]?.type === 'ParenthesizedExpression') child = ancestors[at--]!;
  const parent = ancestors[at];
  if (parent === undefined) return '<anonymous>';
  switch (parent.type) {
    case 'MethodDefinition':
    case 'PropertyDefinition': {
      const name = keyName(parent, source, '.');
      return className(ancestors[at - 2], ancestors, at - 2, source) + name;
    }
    case 'Property':
      if (parent.value === child) {
        const owner = objectName(ancestors, at - 1, source);
        return owner === '' ? keyName(parent, source, '') : owner + keyName(parent, source, '.');
      }
      break;
    case 'VariableDeclarator':
      if (parent.init === child && parent.id.type === 'Identifier') return parent.id.name;
      break;
    case 'AssignmentExpression':
      if (parent.right === child) return targetName(parent.left, source);
      break;
    case 'AssignmentPattern':
      if (parent.right === child && parent.left.type === 'Identifier') return parent.left.name;
      break;
    case 'ExportDefaultDeclaration':
      return 'default';
  }
  return '<anonymous>';
}

function keyName(member: AnyNode, source: string, dot: string): string {
  const key = member.key;
  if (member.computed) return `[${clip(source.slice(key.start, key.end))}]`;
  if (key.type === 'PrivateIdentifier') return `${dot}#${key.name}`;
  if (key.type === 'Identifier') return `${dot}${key.name}`;
  if (key.type === 'Literal') return typeof key.value === 'string' && IDENTIFIER.test(key.value) ? `${dot}${key.value}` : `[${key.raw}]`;
  return `${dot}<computed>`;
}

/** Name of the class owning a method: its id, else the binding it is assigned to. */
function className(cls: AnyNode | undefined, ancestors: readonly AnyNode[], index: number, source: string): string {
  if (cls === undefined) return '<class>';
  if (cls.id) return cls.id.name;
  const parent = ancestors[index - 1];
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent?.type === 'AssignmentExpression') return targetName(parent.left, source);
  if (parent?.type === 'ExportDefaultDeclaration') return 'default';
  return '<class>';
}

/** `obj` for methods of `const obj = { … }`; empty when the object has no name. */
function objectName(ancestors: readonly AnyNode[], objectIndex: number, source: string): string {
  const parent = ancestors[objectIndex - 1];
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent?.type === 'AssignmentExpression') return targetName(parent.left, source);
  if (parent?.type === 'Property' && !parent.computed) return objectName(ancestors, objectIndex - 2, source) + keyName(parent, source, '.');
  return '';
}

function targetName(target: AnyNode, source: string): string {
  if (target.type === 'Identifier') return target.name;
  if (target.type === 'MemberExpression') return clip(source.slice(target.start, target.end).replace(/\s+/g, ''));
  return '<anonymous>';
}

function clip(text: string): string {
  return text.length > MAX_MEMBER_TEXT ? `${text.slice(0, MAX_MEMBER_TEXT - 1)}…` : text;
}
