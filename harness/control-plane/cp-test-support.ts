/**
 * Shared set-up of the control-plane integration tests (`*.cp.test.ts`): find the built binaries,
 * build them with `kind/control-plane/build.sh` when Go is present (the build is locked, so
 * parallel test files wait for one build), or report why the tests must skip (no binaries and no
 * Go). A failed build is a test failure, never a skip.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinariesMissingError, locateBinaries, REPO_ROOT, type ControlPlaneBinaries } from './binaries.ts';

/** Either binaries to run, or the reason the tests skip. */
export type BinariesForTests = { readonly binaries: ControlPlaneBinaries; readonly skipReason?: undefined } | { readonly binaries?: undefined; readonly skipReason: string };

/** Bound on an on-demand cold build inside a test run. */
export const BUILD_TIMEOUT_MS = 45 * 60_000;

function goOnPath(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * The binaries, built first if needed.
 * @throws Error when Go is present but the build fails (the message names the build log).
 */
export async function binariesForTests(): Promise<BinariesForTests> {
  try {
    return { binaries: await locateBinaries() };
  } catch (error) {
    if (!(error instanceof BinariesMissingError)) throw error;
  }
  if (!goOnPath()) {
    const skipReason = 'control-plane tests skipped: kube-apiserver/etcd are not built and Go is not on PATH (run make control-plane on a machine with Go)';
    process.stderr.write(`${skipReason}\n`);
    return { skipReason };
  }
  process.stderr.write('control-plane tests: binaries missing, building them with kind/control-plane/build.sh (cold build takes minutes)\n');
  await new Promise<void>((resolvePromise, reject) => {
    execFile('bash', [join(REPO_ROOT, 'kind/control-plane/build.sh')], { timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`building the control plane for the tests failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else resolvePromise();
    });
  });
  return { binaries: await locateBinaries() };
}

/** A fresh run directory under the OS temp dir. */
export function tempRunDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `l2lab-${prefix}-`));
}

/** Per-test timeout of the integration tests (generous: 2 cores, shared with other test files). */
export const CP_TEST_TIMEOUT_MS = 180_000;
