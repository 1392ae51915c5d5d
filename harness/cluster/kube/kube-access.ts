/**
 * Access to a cluster from a kubeconfig: what {@link KubeObjectStore} needs (server URL, CA, and a
 * bearer token or a client certificate and key). `@kubernetes/client-node` parses the file (its
 * contexts, relative file paths, `token-file`); this module picks the context and turns its
 * cluster and user into PEM strings, and refuses what the store cannot speak — exec and
 * auth-provider plugins (EKS, GKE, OIDC), basic auth, `insecure-skip-tls-verify` — with a
 * {@link UserError} naming the file, the user and what is supported.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import { UserError } from '../../cli/user-error.ts';
import type { KubeEndpoint } from '../../lab/kube/kube-http.ts';

/** A cluster's API endpoint and credentials as a kubeconfig context gives them. */
export interface KubeAccess extends KubeEndpoint {
  readonly kubeconfigPath: string;
  readonly context: string;
  readonly cluster: string;
  readonly user: string;
  /** How the user authenticates. */
  readonly auth: 'token' | 'client-certificate';
}

/** What the store supports, for refusals. */
const SUPPORTED = 'supported: a bearer token (token, token-file) or a client certificate and key (client-certificate[-data], client-key[-data])';

/**
 * Loads `kubeconfigPath` and the given context (default: its current-context).
 * @throws UserError for an unreadable file, an unknown context, or credentials the store cannot use.
 */
export function loadKubeAccess(kubeconfigPath: string, context?: string): KubeAccess {
  const config = new KubeConfig();
  try {
    config.loadFromFile(kubeconfigPath);
  } catch (error) {
    throw new UserError(`reading the kubeconfig ${kubeconfigPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return kubeAccessOf(config, kubeconfigPath, context, (path) => readFileSync(path, 'utf8'));
}

/**
 * The access of one context of a parsed kubeconfig; `readText` reads the CA, certificate and key
 * files it names (relative paths are already made absolute by the parser).
 * @throws UserError as {@link loadKubeAccess}.
 */
export function kubeAccessOf(config: KubeConfig, kubeconfigPath: string, context: string | undefined, readText: (path: string) => string): KubeAccess {
  const where = `kubeconfig ${kubeconfigPath}`;
  const contextName = context ?? config.getCurrentContext();
  if (contextName === '' || contextName === undefined) throw new UserError(`${where}: no current-context; pass --context (contexts: ${names(config.getContexts())})`);
  const ctx = config.getContextObject(contextName);
  if (ctx === null) throw new UserError(`${where}: no context '${contextName}' (contexts: ${names(config.getContexts())})`);
  const cluster = config.getCluster(ctx.cluster);
  if (cluster === null) throw new UserError(`${where}: context '${contextName}' names cluster '${ctx.cluster}', which the file does not define`);
  const user = config.getUser(ctx.user);
  if (user === null) throw new UserError(`${where}: context '${contextName}' names user '${ctx.user}', which the file does not define`);
  const read = (what: string, path: string): string => {
    try {
      return readText(path);
    } catch (error) {
      throw new UserError(`${where}: reading the ${what} file ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const base = { kubeconfigPath, context: contextName, cluster: cluster.name, user: user.name, serverUrl: serverOf(cluster, where), ...caOf(cluster, where, read) };
  return { ...base, ...credentialsOf(user, `${where}: user '${user.name}'`, read) };
}

function names(list: readonly { readonly name: string }[]): string {
  return list.length === 0 ? 'none' : list.map((c) => c.name).join(', ');
}

function serverOf(cluster: Cluster, where: string): string {
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new UserError(`${where}: cluster '${cluster.name}' has no valid server URL ('${cluster.server}')`);
  }
  if (url.protocol !== 'https:') throw new UserError(`${where}: cluster '${cluster.name}' server ${cluster.server} is not https://`);
  if (cluster.proxyUrl !== undefined && cluster.proxyUrl !== '') throw new UserError(`${where}: cluster '${cluster.name}' goes through proxy-url ${cluster.proxyUrl}; l2lab connects directly (remove proxy-url, or use a context without it)`);
  return cluster.server.replace(/\/+$/, '');
}

function caOf(cluster: Cluster, where: string, read: (what: string, path: string) => string): { readonly caPem?: string } {
  if (cluster.skipTLSVerify) throw new UserError(`${where}: cluster '${cluster.name}' sets insecure-skip-tls-verify; l2lab verifies the server (give certificate-authority[-data])`);
  if (cluster.caData !== undefined && cluster.caData !== '') return { caPem: Buffer.from(cluster.caData, 'base64').toString('utf8') };
  if (cluster.caFile !== undefined && cluster.caFile !== '') return { caPem: read('certificate-authority', cluster.caFile) };
  return {}; // the system's trust store (a cluster behind a public CA)
}

function credentialsOf(user: User, who: string, read: (what: string, path: string) => string): Pick<KubeAccess, 'auth' | 'token' | 'clientCertPem' | 'clientKeyPem'> {
  if (user.exec !== undefined && user.exec !== null) {
    const command = typeof user.exec === 'object' && typeof (user.exec as { command?: unknown }).command === 'string' ? ` (${(user.exec as { command: string }).command})` : '';
    throw new UserError(`${who} authenticates with an exec plugin${command}, which l2lab does not run`, [SUPPORTED, 'write a kubeconfig with a ServiceAccount token: kubectl create token <sa> --duration 2h']);
  }
  if (user.authProvider !== undefined && user.authProvider !== null) {
    const name = typeof user.authProvider === 'object' && typeof (user.authProvider as { name?: unknown }).name === 'string' ? ` '${(user.authProvider as { name: string }).name}'` : '';
    throw new UserError(`${who} authenticates with the auth-provider${name}, which l2lab does not support`, [SUPPORTED]);
  }
  const token = user.token;
  if (token !== undefined && token !== null && token !== '') return { auth: 'token', token: token.trim() };
  const cert = user.certData ? Buffer.from(user.certData, 'base64').toString('utf8') : user.certFile ? read('client-certificate', user.certFile) : undefined;
  const key = user.keyData ? Buffer.from(user.keyData, 'base64').toString('utf8') : user.keyFile ? read('client-key', user.keyFile) : undefined;
  if (cert !== undefined && key !== undefined) return { auth: 'client-certificate', clientCertPem: cert, clientKeyPem: key };
  if (cert !== undefined || key !== undefined) throw new UserError(`${who} has a client ${cert === undefined ? 'key' : 'certificate'} without its ${cert === undefined ? 'certificate' : 'key'}`, [SUPPORTED]);
  if (user.username !== undefined && user.username !== null && user.username !== '') throw new UserError(`${who} uses basic auth (username/password), which kube-apiserver no longer serves`, [SUPPORTED]);
  throw new UserError(`${who} has no credentials`, [SUPPORTED]);
}
