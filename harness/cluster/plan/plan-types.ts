/**
 * The vocabulary of a cluster plan: what `l2lab cluster up|down` will run, as data. A plan is a
 * list of commands (argv, never a shell string), each naming the tool it needs, so that the
 * executor can check every tool before the first step and `--dry-run` can print the same list as
 * a shell script a user runs unchanged.
 */

/** Where a cluster comes from. */
export const PROVIDERS = ['kind', 'talos', 'k3s', 'kubeconfig', 'docker'] as const;
/** A cluster provider. */
export type Provider = (typeof PROVIDERS)[number];

/** What runs as the announcer: our responder workload, or real Cilium. */
export const TARGETS = ['l2lab', 'cilium'] as const;
/** A target. */
export type Target = (typeof TARGETS)[number];

/** External programs a plan can call. */
export const TOOLS = ['kind', 'talosctl', 'helm', 'kubectl', 'docker', 'bash'] as const;
/** A tool a step needs. */
export type Tool = (typeof TOOLS)[number];

/** One command of a plan. */
export interface PlanStep {
  /** What the step does, for progress lines and the script's comments. */
  readonly title: string;
  readonly tool: Tool;
  /** The command: argv[0] is the program (the tool, or a script of the repository). */
  readonly argv: readonly string[];
  /** A failure does not stop the plan (teardown is best effort: remove what is left). */
  readonly mayFail?: boolean;
}

/** A step the executor cannot run on this machine (k3s runs inside a test process). */
export interface InProcessStep {
  readonly title: string;
  readonly inProcess: true;
  /** Why it is not a shell command. */
  readonly why: string;
}

/** Everything `up` or `down` does for one run. */
export interface ClusterPlan {
  readonly action: 'up' | 'down';
  readonly provider: Provider;
  readonly target: Target;
  readonly runId: string;
  /** The repository root the relative paths are resolved from (the script `cd`s there). */
  readonly repoRoot: string;
  /** The kubeconfig the cluster is reached with once up. */
  readonly kubeconfig: string;
  /** Environment every step runs with (the docker provider's own daemon socket). */
  readonly env: Readonly<Record<string, string>>;
  readonly steps: readonly (PlanStep | InProcessStep)[];
  /** Facts the user should know (what `down` will not remove, what cannot run here). */
  readonly notes: readonly string[];
}

/** True for a shell step. */
export function isShellStep(step: PlanStep | InProcessStep): step is PlanStep {
  return !('inProcess' in step);
}
