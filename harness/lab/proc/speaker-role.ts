/**
 * `lab-proc agent` under a MetalLB profile: the node's MetalLB speaker — the same
 * `MetallbSpeaker` the sim world builds (`harness/impl/metallb/sim-seam.ts`), on the lab adapters
 * the Cilium agent gets (LabClock, a seeded Rng, FileHistory, its own ApiClient, the model store
 * over the real API server reading `metallb.io` objects, RealSpawner, the pinned map and libpcap
 * GARPs), with memberlist over UDP between the speaker processes ({@link UdpGossip}) instead of
 * the sim's in-process hub.
 *
 * MetalLB's ARP responder lives in the speaker process; here the node's datapath process answers
 * from the pinned map, and the speaker's liveness stamps (every second) are what keeps it
 * answering: the world starts that datapath with a short liveness cutoff, so a SIGKILLed speaker's
 * answers stop within it. SIGTERM is `speaker.stop()`: memberlist `Leave`, then the socket closes.
 */
import { SeededRng } from '../../core/rng.ts';
import { ApiClient } from '../../election/api-client.ts';
import { MetallbSpeaker } from '../../impl/metallb/speaker.ts';
import type { Profile } from '../../profiles/profile.ts';
import { CapFramePort } from '../cap/cap-frame-port.ts';
import { UdpGossip } from '../gossip/udp-gossip.ts';
import { PinnedMapWriter } from '../pinned-map.ts';
import { RealSpawner } from '../real-spawner.ts';
import { roleStores } from './api-stores.ts';
import { RoleConfigError, type AgentRoleConfig } from './role-config.ts';
import type { RoleRuntime, RunningRole } from './role-runtime.ts';

/** Starts the speaker. @throws on a missing gossip config, a bad map file, interface or bind address (before `ready`). */
export async function startSpeakerRole(config: AgentRoleConfig, profile: Profile, runtime: RoleRuntime): Promise<RunningRole> {
  const { clock, history, log } = runtime;
  const switches = profile.metallb;
  if (config.gossip === undefined || switches === undefined) throw new RoleConfigError(`lab-proc agent: profile ${profile.name} runs a MetalLB speaker, whose config needs 'gossip' (bind address and peers)`);
  const gossip = new UdpGossip({ ...config.gossip, timings: switches.memberlist, clock, onProblem: (message) => log.warn({ problem: message }, 'gossip') });
  await gossip.bind();
  const interfaceMacs = new Map(Object.entries(config.interfaceMacs));
  const map = new PinnedMapWriter(config.mapPath);
  const frames = CapFramePort.open({ interfaces: interfaceMacs });
  const stores = roleStores(config.api, clock, log, config.policyApi);
  const spawner = new RealSpawner({ ports: { clock, store: stores.model }, onError: (error) => runtime.fail(`speaker task ${error.taskName} failed`, error) });
  const client = new ApiClient({ identity: config.node, clock, history, ...(config.rateLimit === undefined ? {} : { rateLimit: config.rateLimit }), ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }) });
  const speaker = new MetallbSpeaker(
    { node: config.node, profile, devices: config.devices },
    { clock, rng: new SeededRng(config.seed), history, client, watch: stores.model, spawner, datapath: { map, frames, interfaceMacs }, gossip },
  );
  speaker.start();
  log.info({ bind: `${config.gossip.self.ip}:${config.gossip.self.port}`, peers: config.gossip.peers.length }, 'speaker started, memberlist over UDP');
  return {
    stop: async () => {
      speaker.stop();
      gossip.close();
      // Bounded by serveRole's stop timeout: loops see the abort.
      while (spawner.running > 0) await clock.sleep(20);
      frames.close();
      stores.real.close();
    },
  };
}
