/**
 * Names for async functions as a reader of a report expects them: the declared name, else the
 * binding or property the function is assigned to (as V8 infers names for stack traces), prefixed
 * with the class or object it belongs to (`Repo.findUser`, `Repo.#load`, `api.fetchUser`).
 *
 * Code handed over by another tool is named as the user wrote it: identifiers the tool renamed
 * (esbuild's `_Svc` for a decorated `class Svc`) are read back through its source map. Without
 * source text (`omitText`), a name never quotes a literal: `handlers['key-1']` is `handlers[…]`.
 */

import type { AnyNode } from './ast.ts';
import type { OriginMapper } from './origin.ts';

const MAX_MEMBER_TEXT = 60;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Stands for a literal (or any computed part) in a name when source text is omitted. */
const ELIDED = '[…]';

export interface NamingContext {
  /** The parsed text. */
  source: string;
  /** The input's own source map, when another tool produced the text. */
  origin?: OriginMapper;
  /** Quote no literal from the source. */
  omitLiterals: boolean;
}

export function inferFunctionName(fn: AnyNode, ancestors: readonly AnyNode[], ctx: NamingContext): string {
  if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) return identifier(fn.id, ctx);
  let at = ancestors.length - 1;
  let child = fn;
  while (ancestors[at]?.type === 'ParenthesizedExpression') child = ancestors[at--]!;
  const parent = ancestors[at];
  if (parent === undefined) return '<anonymous>';
  switch (parent.type) {
    case 'MethodDefinition':
    case 'PropertyDefinition': {
      const name = keyName(parent, ctx, '.');
      return className(ancestors[at - 2], ancestors, at - 2, ctx) + name;
    }
    case 'Property':
      if (parent.value === child) {
        const owner = objectName(ancestors, at - 1, ctx);
        return owner === '' ? keyName(parent, ctx, '') : owner + keyName(parent, ctx, '.');
      }
      break;
    case 'VariableDeclarator':
      if (parent.init === child && parent.id.type === 'Identifier') return identifier(parent.id, ctx);
      break;
    case 'AssignmentExpression':
      if (parent.right === child) return targetName(parent.left, ctx);
      break;
    case 'AssignmentPattern':
      if (parent.right === child && parent.left.type === 'Identifier') return identifier(parent.left, ctx);
      break;
    case 'ExportDefaultDeclaration':
      return 'default';
  }
  return '<anonymous>';
}

function keyName(member: AnyNode, ctx: NamingContext, dot: string): string {
  const key = member.key;
  if (member.computed) {
    if (ctx.omitLiterals) return isReference(key) ? `[${reference(key, ctx)}]` : ELIDED;
    return `[${clip(text(key, ctx))}]`;
  }
  if (key.type === 'PrivateIdentifier') return `${dot}#${key.name}`;
  if (key.type === 'Identifier') return `${dot}${identifier(key, ctx)}`;
  if (key.type === 'Literal') {
    if (ctx.omitLiterals) return ELIDED;
    return typeof key.value === 'string' && IDENTIFIER.test(key.value) ? `${dot}${key.value}` : `[${key.raw}]`;
  }
  return `${dot}<computed>`;
}

/** Name of the class owning a method: its id, else the binding it is assigned to. */
function className(cls: AnyNode | undefined, ancestors: readonly AnyNode[], index: number, ctx: NamingContext): string {
  if (cls === undefined) return '<class>';
  if (cls.id) return identifier(cls.id, ctx);
  const parent = ancestors[index - 1];
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return identifier(parent.id, ctx);
  if (parent?.type === 'AssignmentExpression') return targetName(parent.left, ctx);
  if (parent?.type === 'ExportDefaultDeclaration') return 'default';
  return '<class>';
}

/** `obj` for methods of `const obj = { … }`; empty when the object has no name. */
function objectName(ancestors: readonly AnyNode[], objectIndex: number, ctx: NamingContext): string {
  const parent = ancestors[objectIndex - 1];
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return identifier(parent.id, ctx);
  if (parent?.type === 'AssignmentExpression') return targetName(parent.left, ctx);
  if (parent?.type === 'Property' && !parent.computed) return objectName(ancestors, objectIndex - 2, ctx) + keyName(parent, ctx, '.');
  return '';
}

function targetName(target: AnyNode, ctx: NamingContext): string {
  if (target.type === 'Identifier') return identifier(target, ctx);
  if (target.type === 'MemberExpression') return ctx.omitLiterals ? clip(member(target, ctx)) : clip(text(target, ctx).replace(/\s+/g, ''));
  return '<anonymous>';
}

/** A member expression with every computed part that is not a plain reference elided: `handlers[…].run`. */
function member(node: AnyNode, ctx: NamingContext): string {
  const object = node.object;
  const owner =
    object.type === 'MemberExpression' ? member(object, ctx) : object.type === 'Identifier' || object.type === 'ThisExpression' || object.type === 'Super' ? reference(object, ctx) : '…';
  if (!node.computed) return `${owner}.${node.property.type === 'PrivateIdentifier' ? `#${node.property.name}` : identifier(node.property, ctx)}`;
  return isReference(node.property) ? `${owner}[${reference(node.property, ctx)}]` : `${owner}${ELIDED}`;
}

/** Names and non-computed member chains (`kHandler`, `Symbol.asyncIterator`): code, never a literal. */
function isReference(node: AnyNode): boolean {
  if (node.type === 'Identifier' || node.type === 'ThisExpression') return true;
  return node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && isReference(node.object);
}

function reference(node: AnyNode, ctx: NamingContext): string {
  switch (node.type) {
    case 'Identifier':
      return identifier(node, ctx);
    case 'ThisExpression':
      return 'this';
    case 'Super':
      return 'super';
    default:
      return `${reference(node.object, ctx)}.${identifier(node.property, ctx)}`;
  }
}

function identifier(node: AnyNode, ctx: NamingContext): string {
  return ctx.origin?.identifier(node.start) ?? node.name;
}

/** Source text of a node, as the user wrote it when another tool produced the parsed text. */
function text(node: AnyNode, ctx: NamingContext): string {
  return ctx.origin?.text(node.start, node.end) ?? ctx.source.slice(node.start, node.end);
}

function clip(text: string): string {
  return text.length > MAX_MEMBER_TEXT ? `${text.slice(0, MAX_MEMBER_TEXT - 1)}…` : text;
}
