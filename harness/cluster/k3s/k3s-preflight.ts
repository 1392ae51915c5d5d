/**
 * What `l2lab run --world cluster --provider k3s` needs before it starts anything, and what it
 * tells the user when the start fails. Pure, from the doctor's facts: everything a run on node
 * containers needs (`decideKubePreflight`: root, the netns tools, docker and a reachable daemon),
 * plus kubectl for the setup steps and helm for `--target cilium`. The k3s image is not a
 * blocker here — it may be pullable — but a failed start names it and the two ways to get it.
 */
import type { DoctorFacts } from '../doctor/doctor-facts.ts';
import { decideKubePreflight, type MissingPiece } from '../kube/kube-preflight.ts';
import type { Target } from '../plan/plan-types.ts';
import { TOOL_INSTALL } from '../plan/tool-install.ts';
import type { K3sStartError } from './k3s-starter.ts';

/** What is missing to start a k3s cluster for `target` (none: it can start). */
export function decideK3sPreflight(facts: Pick<DoctorFacts, 'uid' | 'tools' | 'defaultDaemon'>, target: Target): MissingPiece[] {
  // The kubeconfig is the one the run writes: never missing.
  const missing = decideKubePreflight(facts, 'k3s', 'written by the run');
  if (!facts.tools.kubectl) missing.push({ what: 'kubectl (applies the workload, waits for rollouts)', fix: TOOL_INSTALL.kubectl });
  if (target === 'cilium' && !facts.tools.helm) missing.push({ what: 'helm (installs Cilium)', fix: TOOL_INSTALL.helm });
  return missing;
}

/** What to do about the k3s image, for messages. */
export function k3sImageAdvice(image: string): string[] {
  return [
    `on a machine with registry access: docker pull ${image} (or docker save it there and docker load it here)`,
    `or pass --k3s-image <local image> naming a k3s image this Docker daemon already has`,
    'testcontainers also pulls its reaper image (testcontainers/ryuk) unless TESTCONTAINERS_RYUK_DISABLED=true',
    'on a machine that cannot pull at all, run the scenario with --provider docker (the locally built image)',
  ];
}

/** The message lines of a failed start (exit 2): the stage, and for the image stages what to do. */
export function describeK3sStartFailure(error: Pick<K3sStartError, 'stage' | 'message'>, image: string, imageLocal: boolean): { readonly message: string; readonly details: string[] } {
  const imageStage = error.stage === 'network' || error.stage === 'server' || error.stage === 'agent';
  const details = [error.message, 'every container and the network started so far were stopped'];
  if (imageStage && !imageLocal) return { message: `--provider k3s: could not start the k3s cluster; the image ${image} is not in the Docker daemon and pulling it failed or is impossible here`, details: [...details, ...k3sImageAdvice(image)] };
  if (error.stage === 'aborted') return { message: '--provider k3s: interrupted while starting the k3s cluster', details };
  return { message: `--provider k3s: could not start the k3s cluster (${image}) at the ${error.stage} stage`, details };
}
