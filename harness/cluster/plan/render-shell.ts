/**
 * A plan as a bash script (`l2lab cluster up|down --dry-run`): `set -euo pipefail`, `cd` to the
 * repository (the plan's paths are relative to it), the plan's environment exported, then one
 * commented command per step — exactly the argv the executor would run, quoted for bash. Steps that
 * may fail end in `|| true`; in-process steps (k3s) are comments saying why. Pure.
 */
import { isShellStep, type ClusterPlan } from './plan-types.ts';

/** Quotes one argument for bash (bare when it has only safe characters). */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The script. */
export function renderShellPlan(plan: ClusterPlan): string {
  const total = plan.steps.length;
  const lines = [
    '#!/usr/bin/env bash',
    `# l2lab cluster ${plan.action} --provider ${plan.provider} --target ${plan.target} --run-id ${plan.runId}: ${total} step${total === 1 ? '' : 's'}`,
    ...plan.notes.map((n) => `# note: ${n}`),
    'set -euo pipefail',
    `cd ${shellQuote(plan.repoRoot)}`,
    ...Object.entries(plan.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
  ];
  plan.steps.forEach((step, i) => {
    lines.push(`# [${i + 1}/${total}] ${step.title}`);
    if (!isShellStep(step)) {
      lines.push(`#   not a shell command: ${step.why}`);
      return;
    }
    const command = step.argv.map(shellQuote).join(' ');
    lines.push(step.mayFail === true ? `${command} || true` : command);
  });
  return `${lines.join('\n')}\n`;
}
