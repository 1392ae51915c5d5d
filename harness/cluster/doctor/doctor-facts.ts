/**
 * What `l2lab doctor` looks at, as data ({@link DoctorFacts}), and the port that gathers it
 * ({@link DoctorProbes}; the real one is `system-probes.ts`, tests inject their own). The decision
 * from facts to report is pure (`decide-doctor.ts`).
 */

/** Images the cluster providers start from (pulled on first use where a registry is reachable). */
export const PROVIDER_IMAGES = {
  kind: 'kindest/node:v1.32.2',
  talos: 'ghcr.io/siderolabs/talos:v1.9.5',
  k3s: 'rancher/k3s:v1.31.4-k3s1',
} as const;

/** Tools any world or provider calls. */
export const DOCTOR_TOOLS = ['ip', 'tc', 'nft', 'tcpdump', 'sysctl', 'openssl', 'docker', 'dockerd', 'debootstrap', 'kind', 'talosctl', 'helm', 'kubectl'] as const;
/** One of {@link DOCTOR_TOOLS}. */
export type DoctorTool = (typeof DOCTOR_TOOLS)[number];

/** A Docker daemon probe: reachable, or why not. */
export interface DaemonFact {
  readonly reachable: boolean;
  /** `unix:///var/run/docker.sock`, … */
  readonly endpoint: string;
  readonly version?: string;
  readonly error?: string;
}

/** Everything the doctor decides from. */
export interface DoctorFacts {
  readonly uid: number;
  readonly tools: Readonly<Record<DoctorTool, boolean>>;
  /** kube-apiserver + etcd built in .cache/control-plane. */
  readonly controlPlaneBuilt: boolean;
  /** The `cap` libpcap addon is built (make setup). */
  readonly capBuilt: boolean;
  /** The Docker daemon at the default endpoint (kind, Talos, k3s use it). */
  readonly defaultDaemon: DaemonFact;
  /** The daemon l2lab starts itself (kind/docker/dockerd.sh), when its socket exists. */
  readonly ownDaemon: DaemonFact;
  /** Images present in the reachable daemon(s). */
  readonly images: ReadonlySet<string>;
  /** The debootstrap tarball of the local base image is cached. */
  readonly baseTarballCached: boolean;
  /** A kubeconfig the kubeconfig provider would use (KUBECONFIG or ~/.kube/config), if any. */
  readonly kubeconfig?: string;
}

/** The effectful side. */
export interface DoctorProbes {
  gather(): Promise<DoctorFacts>;
}
