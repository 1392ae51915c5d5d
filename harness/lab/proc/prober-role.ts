/**
 * `lab-proc prober`: one client's probes, with the sim world's bookkeeping (`Prober`,
 * `harness/sim/prober.ts`: one sequence-numbered probe per VIP per round, `probe` invoke / ok /
 * fail ops exactly as docs/history.md "Clients" says, timeouts judged at rounds) over real UDP
 * from one socket. Echoes carry the answering node (`answeredBy`).
 *
 * `unreachable` ("the neighbour cache dropped the packet"): Linux reports a failed ARP resolution
 * to a UDP socket only as a *soft* ICMP error (EHOSTUNREACH is not fatal), which reaches the
 * socket only with IP_RECVERR — an option Node's dgram cannot set. So the prober reads the
 * neighbour table itself (`/proc/net/arp`, this namespace's): a probe sent while the VIP had no
 * resolved MAC (queued by the kernel) whose VIP is still unresolved when its timeout is judged is
 * completed as `unreachable`; a send refused at once (no route: ENETUNREACH/EHOSTUNREACH) is
 * `unreachable` too. Everything else unanswered is `timeout`.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { Prober } from '../../sim/prober.ts';
import { WatchedFile } from '../watched-file.ts';
import { decodeEcho, encodeProbe } from './probe-wire.ts';
import { resolvedNeighbours } from './proc-net-arp.ts';
import type { ProberRoleConfig } from './role-config.ts';
import type { RoleRuntime, RunningRole } from './role-runtime.ts';
import { parseVipFile, probeTargets, type ProbeTarget } from './vip-list.ts';

/** Send errors that mean "the kernel could not send this at all". */
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

interface SentProbe {
  readonly vip: string;
  readonly sentAtMs: number;
  /** The VIP had no resolved MAC when the probe was handed to the kernel. */
  readonly unresolved: boolean;
}

/** The client's resolved neighbours now (empty when the table cannot be read). */
function readResolved(): ReadonlySet<string> {
  try {
    return resolvedNeighbours(readFileSync('/proc/net/arp', 'utf8'));
  } catch {
    return new Set();
  }
}

/** Starts the prober. @throws naming the client when the socket cannot be opened. */
export async function startProberRole(config: ProberRoleConfig, runtime: RoleRuntime): Promise<RunningRole> {
  const { clock, history, log } = runtime;
  const intervalMs = 1000 / config.ratePerSecond;
  let targets: ProbeTarget[] = [];
  let resolved: ReadonlySet<string> = new Set();
  const sent = new Map<number, SentProbe>();
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const prober = new Prober(config.client, { intervalMs, timeoutMs: config.timeoutMs }, {
    clock,
    history,
    vips: () => targets.map((t) => t.vip),
    send: (vip, packetId) => {
      const target = targets.find((t) => t.vip === vip);
      if (target === undefined) return;
      sent.set(packetId, { vip, sentAtMs: clock.monotonicMs(), unresolved: !resolved.has(vip) });
      socket.send(encodeProbe({ seq: packetId, client: config.client, vip }), target.port, vip, (error) => {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        if (code === undefined) return;
        if (UNREACHABLE.has(code)) {
          sent.delete(packetId);
          prober.onDrop(packetId, code);
        } else log.warn({ vip, err: error?.message }, 'probe send failed');
      });
    },
  });
  socket.on('message', (bytes) => {
    const echo = decodeEcho(bytes);
    if (echo === undefined) return;
    sent.delete(echo.seq);
    prober.onEcho(echo.seq, echo.node);
  });
  socket.on('error', (error) => log.warn({ err: error.message }, 'probe socket error'));

  /** Completes as unreachable the overdue probes the kernel never got to send; the Prober times out the rest. */
  const judgeUnresolved = (): void => {
    resolved = readResolved();
    const nowMs = clock.monotonicMs();
    for (const [packetId, probe] of sent) {
      if (probe.sentAtMs + config.timeoutMs > nowMs) continue;
      sent.delete(packetId);
      if (probe.unresolved && !resolved.has(probe.vip)) prober.onDrop(packetId, 'neighbour-unresolved');
    }
  };

  const vipFile = new WatchedFile(config.vipsPath, {
    clock,
    onContent: (text) => {
      targets = text === undefined ? [] : probeTargets(config.services, parseVipFile(text, config.vipsPath));
      log.info({ targets }, 'probe targets');
    },
    onError: (error) => log.warn({ problem: error.message }, 'VIP list unreadable; keeping the previous targets'),
  });
  vipFile.start();

  const stop = new AbortController();
  const loop = (async (): Promise<void> => {
    // Bounded by the stop signal: one round per interval (the first one interval after start).
    while ((await clock.sleep(intervalMs, stop.signal)) === 'elapsed') {
      judgeUnresolved();
      prober.tick();
    }
  })();
  return {
    stop: async () => {
      stop.abort();
      await loop;
      vipFile.close();
      socket.close();
      log.info(prober.stats, 'prober stopped');
    },
  };
}
