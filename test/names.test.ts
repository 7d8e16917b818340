import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instrumentSnippet } from './support/transform.ts';

/** Function name → source in which an async function with that name appears first. */
const NAMES: [string, string][] = [
  ['load', 'async function load() {}'],
  ['load', 'const load = async () => {};'],
  ['named', 'const load = async function named() {};'],
  ['Repo.find', 'class Repo { async find() {} }'],
  ['Repo.open', 'class Repo { static async open() {} }'],
  ['Repo.#load', 'class Repo { async #load() {} }'],
  ['Repo[Symbol.asyncIterator]', 'class Repo { async *[Symbol.asyncIterator]() {} }'],
  ['Repo.handler', 'class Repo { handler = async () => {}; }'],
  ['Store.get', 'const Store = class { async get() {} };'],
  ['api.fetchUser', 'const api = { async fetchUser() {} };'],
  ['api.users.find', 'const api = { users: { find: async () => {} } };'],
  ['fetchUser', 'run({ async fetchUser() {} });'],
  ['exports.handler', 'exports.handler = async () => {};'],
  ['this.load', 'this.load = async () => {};'],
  ['retry', 'function f({ retry = async () => {} }) {}'],
  ['default', 'export default async function () {}'],
  ['<anonymous>', 'items.map(async (x) => x);'],
];

describe('function names in reports', () => {
  for (const [name, source] of NAMES) {
    it(`${source} → ${name}`, () => {
      const fn = instrumentSnippet(source).sites.find((s) => s.kind === 'function' || s.kind === 'generator');
      assert.equal(fn?.name, name);
    });
  }
});

/** With source text omitted: function name → source, where no literal may show. */
const NAMES_WITHOUT_LITERALS: [string, string][] = [
  ['handlers[…]', "handlers['key-SECRET'] = async () => {};"],
  ['handlers[…].run', "handlers[`key-${n}`].run = async () => {};"],
  ['handlers[…]', 'handlers[0x5EC] = async () => {};'],
  ['this[kHandler]', 'this[kHandler] = async () => {};'],
  ['Repo[…]', "class Repo { async ['SECRET']() {} }"],
  ['Repo[…]', "class Repo { 'SECRET field' = async () => {}; }"],
  ['Repo[…]', 'class Repo { static async [Symbol.for("SECRET")]() {} }'],
  ['Repo[Symbol.asyncIterator]', 'class Repo { async *[Symbol.asyncIterator]() {} }'],
  ['api[…]', "const api = { 'SECRET': async () => {} };"],
  ['api[…]', 'const api = { 12345: async () => {} };'],
  ['api[…].find', "const api = { 'SECRET': { find: async () => {} } };"],
  ['[…]', "run({ async 'SECRET'() {} });"],
  ['load', 'const load = async () => {};'],
];

describe('function names without source text', () => {
  for (const [name, source] of NAMES_WITHOUT_LITERALS) {
    it(`${source} → ${name}`, () => {
      const fn = instrumentSnippet(source, 'module', { omitText: true }).sites.find((s) => s.kind === 'function' || s.kind === 'generator');
      assert.equal(fn?.name, name);
    });
  }
});
