/**
 * What `l2lab run --world cluster --provider kind|talos|kubeconfig` needs on this machine, from
 * the doctor's facts (`doctor-facts.ts`): for kind and Talos-in-Docker, root (network namespaces,
 * the bridge capture), a reachable Docker daemon and the lab's netns tools; for any provider a
 * kubeconfig. Each missing piece comes with the command that installs it. Pure.
 */
import type { DoctorFacts, DoctorTool } from '../doctor/doctor-facts.ts';
import { LAB_TOOL_PACKAGES } from '../doctor/lab-tools.ts';
import { TOOL_INSTALL } from '../plan/tool-install.ts';
import type { KubeProvider } from './kube-plan.ts';

/** One missing piece and how to get it. */
export interface MissingPiece {
  readonly what: string;
  readonly fix: string;
}

/** Tools a run on node containers calls. */
const CONTAINER_RUN_TOOLS: readonly DoctorTool[] = ['ip', 'tc', 'nft', 'tcpdump', 'sysctl', 'docker'];

/** What is missing to run a scenario on `provider` with `kubeconfig` (none: it can run). */
export function decideKubePreflight(facts: Pick<DoctorFacts, 'uid' | 'tools' | 'defaultDaemon'>, provider: KubeProvider, kubeconfig: string | undefined): MissingPiece[] {
  const missing: MissingPiece[] = [];
  if (kubeconfig === undefined) missing.push({ what: 'a kubeconfig', fix: provider === 'kubeconfig' ? 'pass --kubeconfig <file>, or export KUBECONFIG=<file>' : `pass --kubeconfig (l2lab cluster up --provider ${provider} writes .cache/cluster/<run>/kubeconfig)` });
  if (provider === 'kubeconfig') return missing;
  if (facts.uid !== 0) missing.push({ what: 'root', fix: 'run as root: the clients are network namespaces on the cluster bridge, and tcpdump captures there' });
  for (const tool of CONTAINER_RUN_TOOLS) {
    if (facts.tools[tool]) continue;
    const pkg = LAB_TOOL_PACKAGES.find((t) => t.tool === tool)?.pkg;
    missing.push({ what: tool, fix: tool === 'docker' ? TOOL_INSTALL.docker : `apt-get install -y ${pkg ?? tool}` });
  }
  if (facts.tools.docker && !facts.defaultDaemon.reachable) missing.push({ what: `a Docker daemon at ${facts.defaultDaemon.endpoint} (${facts.defaultDaemon.error ?? 'unreachable'})`, fix: 'dockerd & (or: systemctl start docker)' });
  return missing;
}
