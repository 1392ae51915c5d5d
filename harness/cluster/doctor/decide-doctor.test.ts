import { describe, expect, it } from 'vitest';
import { decideDoctor, type DoctorReport } from './decide-doctor.ts';
import { DOCTOR_TOOLS, type DoctorFacts, type DoctorTool } from './doctor-facts.ts';
import { renderDoctorJson, renderDoctorText } from './render-doctor.ts';

const allTools = (except: readonly DoctorTool[] = []): Record<DoctorTool, boolean> => Object.fromEntries(DOCTOR_TOOLS.map((t) => [t, !except.includes(t)])) as Record<DoctorTool, boolean>;
const down = { reachable: false, endpoint: 'unix:///var/run/docker.sock', error: 'Cannot connect' };

/** This machine as it was probed: root, lab tools, docker.io + debootstrap, no kind/talosctl/helm, no daemon running. */
const thisMachine: DoctorFacts = {
  uid: 0,
  tools: allTools(['kind', 'talosctl', 'helm']),
  controlPlaneBuilt: true,
  capBuilt: true,
  defaultDaemon: down,
  ownDaemon: { reachable: false, endpoint: 'unix:///run/l2lab-docker/docker.sock', error: 'not started' },
  images: new Set(),
  baseTarballCached: true,
};
const entry = (report: DoctorReport, world: string, provider?: string) => {
  const found = report.worlds.find((w) => w.world === world && w.provider === provider);
  if (found === undefined) throw new Error(`no ${world}/${provider}`);
  return found;
};

describe('decideDoctor', () => {
  it('root with the lab tools and docker.io: sim, lab and the docker provider run; kind and Talos name their CLIs and the daemon', () => {
    const report = decideDoctor(thisMachine);
    expect(report.worlds.filter((w) => w.ready).map((w) => w.provider ?? w.world)).toEqual(['sim', 'lab', 'docker']);
    expect(entry(report, 'cluster', 'docker').notes.join(' ')).toMatch(/make e2e' starts one/);
    expect(entry(report, 'cluster', 'kind').missing.map((m) => m.what)).toEqual([expect.stringMatching(/^a Docker daemon at unix:\/\/\/var\/run\/docker.sock/), 'kind']);
    expect(entry(report, 'cluster', 'kind').missing[1]?.install).toMatch(/kind-linux-amd64/);
    expect(entry(report, 'cluster', 'talos').missing.map((m) => m.what)).toContain('talosctl');
    expect(entry(report, 'cluster', 'kind').notes.join(' ')).toMatch(/--target cilium also needs helm/);
  });

  it('not root: lab and the docker provider say root is missing; sim still runs; kind runs when the daemon is reachable without root', () => {
    const report = decideDoctor({ ...thisMachine, uid: 1000, tools: allTools(['talosctl']), defaultDaemon: { reachable: true, endpoint: 'unix:///var/run/docker.sock', version: '27.0' }, images: new Set(['kindest/node:v1.32.2']) });
    expect(report.root).toBe(false);
    expect(entry(report, 'sim').ready).toBe(true);
    expect(entry(report, 'lab').missing[0]).toEqual({ what: 'root (network namespaces, veth bridges, tcpdump)', install: 'run as root: sudo ./l2lab …' });
    expect(entry(report, 'cluster', 'docker').ready).toBe(false);
    expect(entry(report, 'cluster', 'kind').ready).toBe(true);
    // k3s: the run's clients need root, and the image is neither local nor known to be pullable.
    expect(entry(report, 'cluster', 'k3s').missing.map((m) => m.what)).toEqual([expect.stringMatching(/^root/), 'image rancher/k3s:v1.31.4-k3s1 (local, or pulled on first use: needs registry access)']);
    expect(entry(report, 'cluster', 'talos').missing.map((m) => m.what)).toEqual(['talosctl', 'image ghcr.io/siderolabs/talos:v1.9.5 (pulled on first use; needs registry access)']);
  });

  it('k3s needs the default Docker daemon and a local or pullable rancher/k3s image; ready when both are there', () => {
    const here = entry(decideDoctor(thisMachine), 'cluster', 'k3s');
    expect(here.ready).toBe(false);
    expect(here.missing.map((m) => m.what)).toEqual([expect.stringMatching(/^a Docker daemon at unix:\/\/\/var\/run\/docker.sock/), 'image rancher/k3s:v1.31.4-k3s1 (local, or pulled on first use: needs registry access; not checked without a daemon)']);
    expect(here.missing[1]?.install).toMatch(/docker pull rancher\/k3s:v1.31.4-k3s1 .*--k3s-image/);
    expect(here.notes.join(' ')).toMatch(/l2lab run <scenario> --world cluster --provider k3s/);
    const ready = entry(decideDoctor({ ...thisMachine, defaultDaemon: { reachable: true, endpoint: 'unix:///var/run/docker.sock', version: '27.0' }, images: new Set(['rancher/k3s:v1.31.4-k3s1']) }), 'cluster', 'k3s');
    expect(ready).toMatchObject({ ready: true, missing: [] });
  });

  it('names the package of each missing lab tool, the control plane build and the setup step', () => {
    const report = decideDoctor({ ...thisMachine, tools: allTools(['tcpdump', 'nft']), controlPlaneBuilt: false, capBuilt: false });
    expect(entry(report, 'lab').missing).toEqual([
      { what: 'nft', install: 'apt-get install -y nftables' },
      { what: 'tcpdump', install: 'apt-get install -y tcpdump' },
      { what: 'kube-apiserver + etcd (the real control plane)', install: 'make control-plane' },
      { what: 'the cap libpcap addon (node_modules/cap)', install: 'make setup' },
    ]);
  });

  it('docker provider without dockerd or debootstrap names docker.io and debootstrap', () => {
    const report = decideDoctor({ ...thisMachine, tools: allTools(['dockerd', 'debootstrap', 'docker']), baseTarballCached: false });
    expect(entry(report, 'cluster', 'docker').missing.map((m) => m.install)).toEqual(['apt-get install -y docker.io', 'apt-get install -y docker.io', 'apt-get install -y debootstrap']);
  });

  it('kubeconfig provider is ready with kubectl and a kubeconfig', () => {
    expect(entry(decideDoctor(thisMachine), 'cluster', 'kubeconfig').missing[0]?.install).toMatch(/--kubeconfig/);
    expect(entry(decideDoctor({ ...thisMachine, kubeconfig: '/root/.kube/config' }), 'cluster', 'kubeconfig').ready).toBe(true);
  });
});

describe('render', () => {
  it('text: one line per world, each missing piece with its command, the count', () => {
    const text = renderDoctorText(decideDoctor(thisMachine));
    expect(text.split('\n').slice(0, 4)).toEqual(['l2lab doctor: what this machine can run (root)', 'yes  sim', 'yes  lab', 'yes  cluster --provider docker']);
    expect(text).toContain('no   cluster --provider kind: 2 missing\n');
    expect(text).toContain('       missing kind\n         → curl -fsSLo /usr/local/bin/kind');
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 of 7 can run here.');
  });

  it('json round-trips the report', () => {
    const report = decideDoctor(thisMachine);
    expect(JSON.parse(renderDoctorJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
