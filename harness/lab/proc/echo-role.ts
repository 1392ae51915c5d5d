/**
 * `lab-proc echo`: the node's UDP echo backend. The node routes the pool CIDRs `local` to `lo`,
 * so every VIP's traffic reaches this process wherever the VIP is announced (Cilium's BPF load
 * balancer serves every service IP on every node). It listens on 0.0.0.0 on each service port and
 * answers each probe with `{seq, node}`.
 *
 * The answer must come *from* the VIP: a socket bound to 0.0.0.0 would answer from the node's own
 * address, and the prober's connected socket drops that. So the first probe for a VIP binds a
 * socket to (VIP, port) — local through the `local` route, allowed next to the wildcard socket with
 * SO_REUSEADDR — which answers it and receives that VIP's later probes itself.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decodeProbe, encodeEcho } from './probe-wire.ts';
import type { EchoRoleConfig } from './role-config.ts';
import type { RoleRuntime, RunningRole } from './role-runtime.ts';

/** Binds a UDP socket; rejects with the bind error. */
function bind(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.once('error', reject);
    socket.bind({ address, port }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** Starts the echo sockets. @throws naming the port when one cannot be bound (before `ready`). */
export async function startEchoRole(config: EchoRoleConfig, runtime: RoleRuntime): Promise<RunningRole> {
  const { log } = runtime;
  const sockets: Socket[] = [];
  const perVip = new Map<string, Promise<Socket | undefined>>();
  let answered = 0;
  const answer = (socket: Socket, seq: number, to: RemoteInfo): void => {
    answered += 1;
    socket.send(encodeEcho({ seq, node: config.node }), to.port, to.address);
  };
  const listen = (socket: Socket, port: number, wildcard: boolean): void => {
    socket.on('error', (error) => log.warn({ port, err: error.message }, 'echo socket error'));
    socket.on('message', (bytes, from) => {
      const probe = decodeProbe(bytes);
      if (probe === undefined) return;
      if (!wildcard) return answer(socket, probe.seq, from);
      const key = `${probe.vip}:${port}`;
      let own = perVip.get(key);
      if (own === undefined) {
        own = bind(probe.vip, port).then(
          (vipSocket) => {
            sockets.push(vipSocket);
            listen(vipSocket, port, false);
            return vipSocket;
          },
          (error: unknown) => {
            log.warn({ vip: probe.vip, port, err: error instanceof Error ? error.message : String(error) }, 'cannot answer from the VIP; answering from the wildcard socket');
            return undefined;
          },
        );
        perVip.set(key, own);
      }
      void own.then((vipSocket) => answer(vipSocket ?? socket, probe.seq, from));
    });
  };
  for (const port of config.ports) {
    try {
      const socket = await bind('0.0.0.0', port);
      sockets.push(socket);
      listen(socket, port, true);
    } catch (error) {
      for (const socket of sockets) socket.close();
      throw new Error(`binding the echo backend of ${config.node} to 0.0.0.0:${port}/udp: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  log.info({ ports: config.ports }, 'echo listening');
  return {
    stop: async () => {
      for (const socket of sockets) socket.close();
      log.info({ answered }, 'echo stopped');
    },
  };
}
