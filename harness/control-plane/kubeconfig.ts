/**
 * Kubeconfig files, one per identity, pointing at the run's API server with its CA and the
 * identity's bearer token. Rendering is pure; the file is written by the control-plane lifecycle.
 */
import { stringify } from 'yaml';

/** What a kubeconfig needs. `caPath` must be absolute so the file works from any directory. */
export interface KubeconfigInput {
  readonly serverUrl: string;
  readonly caPath: string;
  readonly userName: string;
  readonly token: string;
  /** Context and cluster name; defaults to `l2lab`. */
  readonly clusterName?: string;
}

/** Renders a single-context kubeconfig (YAML). */
export function renderKubeconfig(input: KubeconfigInput): string {
  const cluster = input.clusterName ?? 'l2lab';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: input.serverUrl, 'certificate-authority': input.caPath } }],
    users: [{ name: input.userName, user: { token: input.token } }],
    contexts: [{ name: cluster, context: { cluster, user: input.userName } }],
    'current-context': cluster,
  });
}

/** `https://<address>:<port>`, with brackets for IPv6. */
export function serverUrl(address: string, port: number): string {
  return address.includes(':') ? `https://[${address}]:${port}` : `https://${address}:${port}`;
}
