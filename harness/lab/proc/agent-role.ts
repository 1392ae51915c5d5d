/**
 * `lab-proc agent`: one node's L2 announcer — the same `Agent` as the sim world's
 * (`ResponderWorld#newAgent`), on lab adapters: LabClock, a seeded Rng, FileHistory, its own
 * rate-limited ApiClient, the model store over the real API server (watch port and task store),
 * RealSpawner, and as datapath the pinned map file (writer) plus libpcap send-only sessions for
 * the GARPs.
 *
 * Link state: a {@link LinkMonitor} (`ip -o monitor link` in the node's netns, plus the state at
 * start) tells the agent `linkDown`/`linkUp` for each data interface, as the sim world does, and
 * records each as `link-observed`; the monitor dying is a `process-problem` (restarted, bounded).
 *
 * SIGTERM is `agent.stop()`: electors are cancelled and leaders release their Leases (client-go
 * `ReleaseOnCancel`, which Cilium's L2 announcer sets), informers and loops end; the process waits
 * for the tasks (bounded), then exits. SIGKILL (the `kill-agent` nemesis) releases nothing and
 * leaves the pinned map as it was.
 */
import { Agent } from '../../agent/agent.ts';
import { F } from '../../checker/vocabulary.ts';
import { SeededRng } from '../../core/rng.ts';
import { ApiClient } from '../../election/api-client.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { CapFramePort } from '../cap/cap-frame-port.ts';
import { LinkMonitor } from '../capture/link-monitor.ts';
import { PinnedMapWriter } from '../pinned-map.ts';
import { RealSpawner } from '../real-spawner.ts';
import { roleStores } from './api-stores.ts';
import type { AgentRoleConfig } from './role-config.ts';
import type { RoleRuntime, RunningRole } from './role-runtime.ts';

/** Starts the agent. @throws on a bad profile, map file or interface, or no link monitor (before `ready`). */
export async function startAgentRole(config: AgentRoleConfig, runtime: RoleRuntime): Promise<RunningRole> {
  const { clock, history, log } = runtime;
  const profile = getProfile(config.profile);
  const interfaceMacs = new Map(Object.entries(config.interfaceMacs));
  const map = new PinnedMapWriter(config.mapPath);
  log.info({ pinned: map.keys().length }, 'responder map loaded');
  const frames = CapFramePort.open({ interfaces: interfaceMacs });
  const stores = roleStores(config.api, clock, log, config.policyApi);
  const spawner = new RealSpawner({ ports: { clock, store: stores.model }, onError: (error) => runtime.fail(`agent task ${error.taskName} failed`, error) });
  const client = new ApiClient({ identity: config.node, clock, history, ...(config.rateLimit === undefined ? {} : { rateLimit: config.rateLimit }), ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }) });
  const agent = new Agent(
    { node: config.node, profile, leaseNamespace: config.leaseNamespace, devices: config.devices, timing: config.timing },
    { clock, rng: new SeededRng(config.seed), history, client, watch: stores.model, spawner, datapath: { map, frames, interfaceMacs } },
  );
  const node = config.node;
  const links = await LinkMonitor.start({
    ifaces: [...interfaceMacs.keys()],
    clock,
    onTransition: (iface, transition, tMs) => {
      history.record({ process: node, type: 'info', f: F.linkObserved, tMs, value: { node, iface, up: transition === 'up' } });
      if (transition === 'up') agent.linkUp(iface);
      else agent.linkDown(iface);
    },
    onProblem: (message) => {
      log.warn({ problem: message }, 'link monitor');
      history.record({ process: node, type: 'info', f: F.processProblem, value: { node, message } });
    },
  });
  agent.start();
  return {
    stop: async () => {
      agent.stop();
      await links.stop();
      // Bounded by serveRole's stop timeout: electors finish their release, loops see the abort.
      while (spawner.running > 0) await clock.sleep(20);
      frames.close();
      stores.real.close();
    },
  };
}
