// Writes a synthetic application of about SIZE bytes into DIR: many modules of ordinary code
// (classes, async functions with awaits, helpers, object literals), and an entry importing all.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeApp(dir, size) {
  mkdirSync(dir, { recursive: true });
  const names = [];
  let total = 0;
  for (let m = 0; total < size; m++) {
    const parts = [`// module ${m}`, `import { setTimeout as sleep } from 'node:timers/promises';`];
    for (let f = 0; f < 40; f++) {
      parts.push(`
export class Service${f} {
  #cache = new Map();
  constructor(repo) { this.repo = repo; this.name = 'service-${m}-${f}'; }
  async find(id) {
    if (this.#cache.has(id)) return this.#cache.get(id);
    const row = await this.repo.load(id, { retries: 3, timeout: 1000 });
    const enriched = await Promise.all([this.owner(row), this.tags(row)]);
    this.#cache.set(id, { ...row, owner: enriched[0], tags: enriched[1] });
    return this.#cache.get(id);
  }
  async owner(row) { await sleep(0); return { id: row.ownerId, name: String(row.ownerId).padStart(8, '0') }; }
  async tags(row) { const out = []; for (const t of row.tags ?? []) out.push(t.trim().toLowerCase()); return out; }
  describe() { return \`\${this.name}: \${this.#cache.size} cached\`; }
}
export function helper${f}(values) { return values.filter((v) => v % ${f + 2} === 0).map((v) => v * ${f + 1}).reduce((a, b) => a + b, 0); }
export const config${f} = { name: 'config-${f}', enabled: ${f % 2 === 0}, limits: { max: ${f * 10}, min: ${f} }, handler: async (req) => ({ status: 200, body: await req.text?.() }) };`);
    }
    const text = parts.join('\n');
    const name = `module${m}.mjs`;
    writeFileSync(join(dir, name), text);
    names.push(name);
    total += text.length;
  }
  writeFileSync(join(dir, 'main.mjs'), names.map((n) => `import './${n}';`).join('\n') + '\n');
  return total;
}
