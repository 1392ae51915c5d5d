/**
 * `lab-proc datapath`: the node's eBPF ARP responder stand-in — the same `ArpResponder` as the
 * sim world's, fed by libpcap sessions on the data interfaces (replies go back out of the
 * receiving one), reading the pinned map the agent writes. It outlives the agent: after a
 * `kill-agent` it keeps answering from the pinned entries until the liveness stamp is older than
 * the lease duration (`agent-liveness-expired`), as Cilium's datapath does.
 */
import { ArpResponder } from '../../datapath/responder.ts';
import { CapFramePort } from '../cap/cap-frame-port.ts';
import { PinnedMapReader } from '../pinned-map.ts';
import type { DatapathRoleConfig } from './role-config.ts';
import type { RoleRuntime, RunningRole } from './role-runtime.ts';

/** Starts the responder. @throws CapOpenError for a missing interface or no permission (before `ready`). */
export function startDatapathRole(config: DatapathRoleConfig, runtime: RoleRuntime): RunningRole {
  const { clock, history, log } = runtime;
  const interfaceMacs = new Map(config.interfaces.map((i) => [i.name, i.mac.toLowerCase()]));
  const map = new PinnedMapReader(config.mapPath, {
    clock,
    onError: (error) => log.warn({ problem: error.message }, 'pinned map unreadable; keeping the last snapshot'),
    onChange: (state) => log.debug({ entries: state.entries.length, livenessStampMs: state.livenessStampMs }, 'pinned map changed'),
  });
  map.start();
  let responder: ArpResponder | undefined;
  const frames = CapFramePort.open({
    interfaces: interfaceMacs,
    onFrame: (iface, frame) => responder?.receive(iface, frame),
    onUndecodable: (iface, reason) => log.debug({ iface, reason }, 'undecodable frame'),
  });
  responder = new ArpResponder({ node: config.node, clock, map, frames, interfaceMacs, leaseDurationMs: config.leaseDurationMs, history, recordReplies: config.recordReplies ?? false });
  const counters = responder.counters;
  return {
    stop: async () => {
      frames.close();
      map.close();
      log.info({ replies: counters.replies, drops: counters.drops, frames: frames.stats }, 'responder counters');
    },
  };
}
