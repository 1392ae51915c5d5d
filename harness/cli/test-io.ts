import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.ts';

/** Runs the CLI in-process with a capturing io (for tests): exit code, stdout and stderr. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

/**
 * A scratch directory for one test file, removed by the caller's `afterAll(dir.remove)`, and a
 * helper that writes a file into it and returns its path.
 */
export function scratchDir(prefix: string): { readonly path: string; file(name: string, text: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file(name, text) {
      const filePath = join(path, name);
      writeFileSync(filePath, text);
      return filePath;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
