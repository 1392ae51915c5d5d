/**
 * `lab-proc datapath`: the node's eBPF ARP responder stand-in — the same `ArpResponder` as the
 * sim world's, fed by libpcap sessions on the data interfaces (replies go back out of the
 * receiving one), reading the pinned map the agent writes. It outlives the agent: after a
 * `kill-agent` it keeps answering from the pinned entries until the liveness stamp is older than
 * the lease duration (`agent-liveness-expired`), as Cilium's datapath does.
 *
 * Cilium's responder is an eBPF program at tc ingress: it runs in softirq context and is never
 * waiting for a CPU. This stand-in is a process, so on a busy machine its reply waits for the
 * scheduler — measured on 2 loaded cores (load ≈ 5): p99 2–13 ms as a normal process, ≈ 0.3 ms
 * as SCHED_FIFO (`bench/arp-latency-bench.ts`). So it makes itself SCHED_FIFO (all threads, via
 * `chrt`, priority {@link DEFAULT_DATAPATH_FIFO_PRIORITY} unless configured): it sleeps in poll
 * between frames, and the kernel's RT throttling (95 % per second by default) bounds the harm of
 * a runaway; RLIMIT_RTTIME ({@link RT_SPIN_LIMIT_US}) has the kernel kill one that spins. A failure to
 * do so (no root, no `chrt`) is logged and the responder runs anyway.
 *
 * A packet socket whose interface is set administratively *down* gets ENETDOWN, and `cap` answers
 * that with a failed assertion (the process aborts); the lab therefore pulls cables on the bridge
 * side (carrier loss), which the sessions survive.
 */
import { execFileSync } from 'node:child_process';
import { ArpResponder } from '../../datapath/responder.ts';
import { CapFramePort } from '../cap/cap-frame-port.ts';
import { PinnedMapReader } from '../pinned-map.ts';
import type { DatapathRoleConfig } from './role-config.ts';
import type { RoleRuntime, RunningRole } from './role-runtime.ts';

/** Longest run of CPU without blocking the SCHED_FIFO datapath is allowed (RLIMIT_RTTIME) before the kernel kills it. */
export const RT_SPIN_LIMIT_US = 1_000_000;

/** SCHED_FIFO priority the datapath takes unless its config says otherwise (0 = none). */
export const DEFAULT_DATAPATH_FIFO_PRIORITY = 50;

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
  responder = new ArpResponder({ node: config.node, clock, map, frames, interfaceMacs, leaseDurationMs: config.leaseDurationMs, history, recordReplies: config.recordReplies ?? false, ...(config.kernelAnswers === true ? { kernelAnswers: true } : {}) });
  const priority = config.schedFifoPriority ?? DEFAULT_DATAPATH_FIFO_PRIORITY;
  if (priority > 0) {
    try {
      execFileSync('chrt', ['--fifo', '--all-tasks', '--pid', String(priority), String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
      // A real-time task that spins starves every normal process on its CPU (agents, the API
      // server): RLIMIT_RTTIME makes the kernel kill it after RT_SPIN_LIMIT_US of CPU without a
      // blocking call — a dead datapath is a visible fault; a machine starved for minutes is not.
      execFileSync('prlimit', ['--pid', String(process.pid), `--rttime=${RT_SPIN_LIMIT_US}:${RT_SPIN_LIMIT_US}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      log.info({ priority, rtSpinLimitUs: RT_SPIN_LIMIT_US }, 'running SCHED_FIFO');
    } catch (error) {
      log.warn({ priority, err: error instanceof Error ? error.message : String(error) }, 'could not switch to SCHED_FIFO; replies will wait for the scheduler on a busy machine');
    }
  }
  const counters = responder.counters;
  return {
    stop: async () => {
      frames.close();
      map.close();
      log.info({ replies: counters.replies, drops: counters.drops, frames: frames.stats }, 'responder counters');
    },
  };
}
