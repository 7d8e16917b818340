// Runs Jest from a script, as some projects do: @jest/core's runCLI (through the `jest` package
// named by path, argv[2]), in band, with Jest's cache in argv[3], on the test files named after;
// then prints the counts and does nothing more.
const [jest, cacheDirectory, ...files] = process.argv.slice(2);

require(jest)
  .runCLI({ _: files, $0: 'run-cli.js', ci: true, runInBand: true, cacheDirectory }, [__dirname])
  .then(({ results }) => console.log(`run-cli: ${results.numPassedTests} passed, ${results.numFailedTests} failed`));
