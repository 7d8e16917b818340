// Mutant coverage from the processes and threads a test file starts (StrykerJS dry run only).
// StrykerJS's tap runner records which mutants a test file reaches in the test file's own process;
// most of awaitwhat runs in the programs the tests spawn (the CLI, the hooks, the runtime), so
// without this every mutant reached only there would be "no coverage" and never tried. Loaded
// with -r before Stryker's hook in the test file's process, it passes itself on through
// NODE_OPTIONS; each descendant writes what it reached into a folder at exit, and the test file's
// process adds it all to its own coverage before Stryker's hook saves it. In mutant runs it does
// nothing: the descendants read the active mutant from the environment themselves.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { threadId } = require('node:worker_threads');

const NS = process.env.STRYKER_NAMESPACE || '__stryker__';
const DIR = 'AWAITWHAT_MUTATION_COVERAGE_DIR';

if (process.env.STRYKER_DRY_RUN === 'true') {
  const dir = process.env[DIR];
  if (dir === undefined) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'awaitwhat-mutation-'));
    process.env[DIR] = made;
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require=${__filename}`.trim();
    // Registered before Stryker's hook's listener, so it runs first.
    process.on('exit', () => {
      const ns = (globalThis[NS] ??= {});
      const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} });
      for (const name of fs.readdirSync(made)) {
        let reached;
        try {
          reached = JSON.parse(fs.readFileSync(path.join(made, name), 'utf8'));
        } catch {
          continue; // a descendant ended while writing: its coverage is lost, the mutant may show as uncovered
        }
        for (const [id, n] of Object.entries(reached)) coverage.static[id] = (coverage.static[id] ?? 0) + n;
      }
      fs.rmSync(made, { recursive: true, force: true });
    });
  } else {
    process.on('exit', () => {
      const coverage = globalThis[NS]?.mutantCoverage;
      if (coverage === undefined) return;
      const reached = { ...coverage.static };
      for (const perTest of Object.values(coverage.perTest)) for (const [id, n] of Object.entries(perTest)) reached[id] = (reached[id] ?? 0) + n;
      try {
        fs.writeFileSync(path.join(dir, `${process.pid}-${threadId}.json`), JSON.stringify(reached));
      } catch {
        // the test file's process has ended and removed the folder: nobody reads this coverage any more
      }
    });
  }
}
