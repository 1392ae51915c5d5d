/**
 * Runs a cluster plan step by step: every tool checked first (a missing one stops the run before
 * anything is created, naming how to install it), then each command with a `[k/n] title` progress
 * line and its output streamed; a failing step stops `up` with its exit code and the tail of its
 * stderr, and names the `down` that removes what was made; `down` goes on past failures (best
 * effort) and reports them at the end. The process runner is a port (tests inject it).
 */
import { UserError } from '../../cli/user-error.ts';
import { describeMissingTool } from './tool-install.ts';
import { isShellStep, type ClusterPlan, type Tool } from './plan-types.ts';

/** What the executor needs from the machine. */
export interface PlanRunner {
  /** True when `tool` is on PATH. */
  hasTool(tool: Tool): Promise<boolean>;
  /** Runs argv in `cwd` with `env` added; output streamed; resolves with the exit code and the last stderr lines. */
  run(argv: readonly string[], options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> }): Promise<{ readonly code: number; readonly stderrTail: string }>;
}

/** What an executed plan did. */
export interface PlanOutcome {
  readonly ran: number;
  /** Steps that failed but were allowed to (down). */
  readonly failures: readonly string[];
}

/** Executes `plan`. @throws UserError (exit 2) for a missing tool, an in-process step or a failed step. */
export async function executePlan(plan: ClusterPlan, runner: PlanRunner, progress: (line: string) => void): Promise<PlanOutcome> {
  const what = `cluster ${plan.action} --provider ${plan.provider}`;
  const inProcess = plan.steps.filter((s) => !isShellStep(s));
  if (inProcess.length > 0) {
    throw new UserError(`${what}: ${inProcess.length} step(s) run inside a test or run process, not from the CLI`, inProcess.map((s) => `${s.title}: ${'why' in s ? s.why : ''}`));
  }
  const shell = plan.steps.filter(isShellStep);
  const tools = [...new Set(shell.map((s) => s.tool))];
  const missing: Tool[] = [];
  for (const tool of tools) if (!(await runner.hasTool(tool))) missing.push(tool);
  if (missing.length > 0) throw new UserError(`${what}: missing tool${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}; nothing was created`, missing.map(describeMissingTool));
  const failures: string[] = [];
  for (const [index, step] of shell.entries()) {
    const label = `[${index + 1}/${shell.length}] ${step.title}`;
    progress(label);
    const { code, stderrTail } = await runner.run(step.argv, { cwd: plan.repoRoot, env: plan.env });
    if (code === 0) continue;
    const failure = `${label}: '${step.argv.join(' ')}' exited ${code}${stderrTail === '' ? '' : `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`}`;
    if (step.mayFail === true) {
      failures.push(failure);
      progress(`  (failed, continuing: exit ${code})`);
      continue;
    }
    const undo = plan.action === 'up' ? [`what was created so far stays: 'l2lab cluster down --provider ${plan.provider} --target ${plan.target} --run-id ${plan.runId}' removes it`] : [];
    throw new UserError(`${what}: step ${index + 1}/${shell.length} failed`, [failure, ...undo]);
  }
  return { ran: shell.length, failures };
}
