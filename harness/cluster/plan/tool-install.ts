/**
 * How to get each external tool the cluster world calls: one command per tool, printed by the
 * executor when a plan needs a missing tool and by `l2lab doctor`. Versions are the ones the docs
 * were written against (docs/kind.md).
 */
import type { Tool } from './plan-types.ts';

/** The install command of a tool on Debian/Ubuntu amd64 (root). */
export const TOOL_INSTALL: Readonly<Record<Tool, string>> = {
  docker: 'apt-get install -y docker.io',
  kind: 'curl -fsSLo /usr/local/bin/kind https://kind.sigs.k8s.io/dl/v0.27.0/kind-linux-amd64 && chmod +x /usr/local/bin/kind',
  talosctl: 'curl -sL https://talos.dev/install | sh',
  helm: 'curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash',
  kubectl: 'apt-get install -y kubernetes-client',
  bash: 'apt-get install -y bash',
};

/** "tool (install: command)" for a missing tool. */
export function describeMissingTool(tool: Tool): string {
  return `${tool} (install: ${TOOL_INSTALL[tool]})`;
}
