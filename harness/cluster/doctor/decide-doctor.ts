/**
 * `decideDoctor`: from the machine's facts to which worlds and providers it can run, and for each
 * one that it cannot, every missing piece with the command that brings it. Pure.
 */
import { LAB_TOOL_PACKAGES } from './lab-tools.ts';
import { LOCAL_BASE_IMAGE } from '../plan/plan-cluster.ts';
import { TOOL_INSTALL } from '../plan/tool-install.ts';
import { PROVIDER_IMAGES, type DoctorFacts, type DoctorTool } from './doctor-facts.ts';

/** One missing piece and how to get it. */
export interface Missing {
  readonly what: string;
  readonly install: string;
}

/** One world (and provider) on this machine. */
export interface WorldReadiness {
  readonly world: 'sim' | 'lab' | 'cluster';
  readonly provider?: 'docker' | 'kind' | 'talos' | 'k3s' | 'kubeconfig';
  readonly ready: boolean;
  readonly missing: readonly Missing[];
  /** True facts worth knowing that do not block (a daemon `make e2e` starts itself). */
  readonly notes: readonly string[];
}

/** The doctor's answer. */
export interface DoctorReport {
  readonly root: boolean;
  readonly worlds: readonly WorldReadiness[];
}

const tool = (facts: DoctorFacts, name: DoctorTool, install: string = TOOL_INSTALL[name as keyof typeof TOOL_INSTALL] ?? `apt-get install -y ${name}`): Missing[] => (facts.tools[name] ? [] : [{ what: name, install }]);
const image = (facts: DoctorFacts, ref: string): Missing[] => (facts.images.has(ref) ? [] : [{ what: `image ${ref} (pulled on first use; needs registry access)`, install: `docker pull ${ref}` }]);

/** Decides the report. */
export function decideDoctor(facts: DoctorFacts): DoctorReport {
  const root = facts.uid === 0;
  const needRoot = (why: string): Missing[] => (root ? [] : [{ what: `root (${why})`, install: 'run as root: sudo ./l2lab …' }]);
  const setup: Missing[] = facts.capBuilt ? [] : [{ what: 'the cap libpcap addon (node_modules/cap)', install: 'make setup' }];
  const labTools = LAB_TOOL_PACKAGES.flatMap(({ tool: t, pkg }) => tool(facts, t, `apt-get install -y ${pkg}`));
  const controlPlane: Missing[] = facts.controlPlaneBuilt ? [] : [{ what: 'kube-apiserver + etcd (the real control plane)', install: 'make control-plane' }];
  const lab = [...needRoot('network namespaces, veth bridges, tcpdump'), ...labTools, ...controlPlane, ...setup];

  const defaultDocker: Missing[] = [
    ...tool(facts, 'docker'),
    ...(facts.defaultDaemon.reachable ? [] : [{ what: `a Docker daemon at ${facts.defaultDaemon.endpoint}${facts.defaultDaemon.error === undefined ? '' : ` (${facts.defaultDaemon.error})`}`, install: facts.tools.dockerd ? 'dockerd & (or: systemctl start docker)' : TOOL_INSTALL.docker }]),
  ];
  const kubectl = tool(facts, 'kubectl');
  // helm installs real Cilium: only --target cilium needs it, so it is a note, not a blocker.
  const helmNote = [
    'runs cluster up/down and make e2e-kind; scenario files run on the docker provider (cluster run), not yet on kind or Talos',
    ...(facts.tools.helm ? [] : [`--target cilium also needs helm: ${TOOL_INSTALL.helm}`]),
  ];

  // The docker provider uses any reachable daemon, or starts its own (root, dockerd installed).
  const anyDaemon = facts.ownDaemon.reachable || facts.defaultDaemon.reachable;
  const dockerNotes: string[] = [];
  const dockerMissing: Missing[] = [...needRoot('its daemon in its own network namespace, tcpdump on the Docker bridge'), ...tool(facts, 'docker')];
  if (!anyDaemon) {
    if (facts.tools.dockerd) dockerNotes.push(`no Docker daemon running: 'make e2e' starts one (bash kind/docker/dockerd.sh start; vfs storage, data under .cache/cluster/docker)`);
    else dockerMissing.push({ what: 'dockerd (no Docker daemon reachable)', install: TOOL_INSTALL.docker });
  }
  if (!facts.images.has(LOCAL_BASE_IMAGE)) {
    if (facts.baseTarballCached) dockerNotes.push(`base image ${LOCAL_BASE_IMAGE} not imported yet: imported from the cached debootstrap tarball on first use`);
    else if (facts.tools.debootstrap) dockerNotes.push(`base image ${LOCAL_BASE_IMAGE} not built yet: debootstrap builds it on first use (needs the Debian mirror, ~2 min)`);
    else dockerMissing.push({ what: `debootstrap (builds the base image ${LOCAL_BASE_IMAGE} without a registry)`, install: 'apt-get install -y debootstrap' });
  }
  dockerMissing.push(...labTools.filter((m) => m.what === 'tcpdump' || m.what === 'ip'), ...controlPlane, ...setup);

  const kubeconfigMissing: Missing[] = [...kubectl, ...(facts.kubeconfig === undefined ? [{ what: 'a kubeconfig (KUBECONFIG or ~/.kube/config)', install: 'pass --kubeconfig <file>, or export KUBECONFIG=<file>' }] : [])];
  const world = (w: WorldReadiness['world'], missing: Missing[], provider?: WorldReadiness['provider'], notes: string[] = []): WorldReadiness => ({ world: w, ...(provider === undefined ? {} : { provider }), ready: missing.length === 0, missing, notes });
  return {
    root,
    worlds: [
      world('sim', []),
      world('lab', lab),
      world('cluster', dockerMissing, 'docker', dockerNotes),
      world('cluster', [...defaultDocker, ...tool(facts, 'kind'), ...kubectl, ...(facts.defaultDaemon.reachable ? image(facts, PROVIDER_IMAGES.kind) : [])], 'kind', helmNote),
      world('cluster', [...defaultDocker, ...tool(facts, 'talosctl'), ...kubectl, ...(facts.defaultDaemon.reachable ? image(facts, PROVIDER_IMAGES.talos) : [])], 'talos', helmNote),
      // `l2lab run … --provider k3s` starts the cluster in its own process: the default daemon and
      // the image are needed every time, and the run's clients and captures need root.
      world('cluster', [
        ...needRoot('clients in network namespaces on the cluster bridge, tcpdump there'),
        ...defaultDocker,
        ...kubectl,
        ...labTools.filter((m) => m.what === 'tcpdump' || m.what === 'ip'),
        ...(facts.images.has(PROVIDER_IMAGES.k3s) ? [] : [{ what: `image ${PROVIDER_IMAGES.k3s} (local, or pulled on first use: needs registry access${facts.defaultDaemon.reachable ? '' : '; not checked without a daemon'})`, install: `docker pull ${PROVIDER_IMAGES.k3s} on a machine with registry access (docker save/load it here), or pass --k3s-image <a local k3s image>` }]),
      ], 'k3s', [
        'scenario files run with l2lab run <scenario> --world cluster --provider k3s: the cluster (@testcontainers/k3s, installed) lives for that run only',
        'testcontainers also pulls its reaper image testcontainers/ryuk unless TESTCONTAINERS_RYUK_DISABLED=true',
        ...(facts.tools.helm ? [] : [`--target cilium also needs helm: ${TOOL_INSTALL.helm}`]),
      ]),
      world('cluster', kubeconfigMissing, 'kubeconfig', facts.kubeconfig === undefined ? [] : [`kubeconfig ${facts.kubeconfig}`]),
    ],
  };
}
