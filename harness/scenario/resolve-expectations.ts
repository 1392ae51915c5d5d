/**
 * Workload and expectations: probes name existing clients and services; the invariant lists are
 * disjoint; a bug scenario names the invariant that catches the bug and keeps its affected and
 * fixed profiles apart (issue 7: a reproduction counts only if it fails on one and holds on the other).
 */
import type { IssueSink } from './issues.ts';
import type { ScenarioFile } from './schema.ts';
import type { BoundName, Expectations, FailoverComponentName, ProbeSpec, Topology, Workload } from './types.ts';

/** Probes default to every client and every LoadBalancer service, 10 probes/s, UDP. */
export const DEFAULT_PROBE_RATE_PER_SECOND = 10;

/** Resolves `workload.probes`, filling defaults. */
export function resolveWorkload(raw: ScenarioFile['workload'], topology: Topology, services: ReadonlySet<string>, loadBalancers: readonly string[], sink: IssueSink): Workload {
  const clientNames = topology.clients.map((c) => c.name);
  const probes = (raw?.probes ?? []).map((probe, index): ProbeSpec => {
    const path = ['workload', 'probes', index];
    probe.clients?.forEach((client, i) => {
      if (!clientNames.includes(client)) sink.error([...path, 'clients', i], `unknown client ${client}: expected one of ${clientNames.join(', ') || '(no clients in topology.clients)'}`);
    });
    probe.services?.forEach((service, i) => {
      if (!services.has(service)) sink.error([...path, 'services', i], `unknown service ${service}: expected one of ${[...services].join(', ') || '(none in manifests)'}`);
    });
    const clients = probe.clients ?? clientNames;
    if (clients.length === 0) sink.error([...path, 'clients'], 'no clients to probe from: add topology.clients');
    return {
      clients: [...clients],
      services: [...(probe.services ?? loadBalancers)],
      ratePerSecond: probe.ratePerSecond ?? DEFAULT_PROBE_RATE_PER_SECOND,
      protocol: probe.protocol ?? 'udp',
      ...(probe.port === undefined ? {} : { port: probe.port }),
      source: sink.source(path),
    };
  });
  return { probes };
}

/** Resolves `expectations` and cross-checks them with `metadata.bug`. */
export function resolveExpectations(raw: ScenarioFile['expectations'], bug: ScenarioFile['metadata']['bug'], sink: IssueSink): Expectations {
  const lists = { hold: raw?.hold ?? [], fail: raw?.fail ?? [], ignore: raw?.ignore ?? [] };
  const owner = new Map<string, string>();
  for (const [list, names] of Object.entries(lists)) {
    names.forEach((name, i) => {
      const first = owner.get(name);
      if (first !== undefined) sink.error(['expectations', list, i], `${name} is already listed in expectations.${first}`);
      else owner.set(name, list);
    });
  }
  if (bug !== undefined) {
    if (lists.fail.length === 0) sink.error(raw === undefined ? ['metadata', 'bug'] : ['expectations'], 'a bug scenario names the invariant that catches the bug in expectations.fail');
    (bug.fixed ?? []).forEach((profile, i) => {
      if (bug.affected.includes(profile)) sink.error(['metadata', 'bug', 'fixed', i], `${profile} is also listed as affected`);
    });
  }
  const boundsMs: Partial<Record<`${BoundName}Ms`, number>> = {};
  for (const [name, ms] of Object.entries(raw?.bounds ?? {})) if (ms !== undefined) boundsMs[`${name as BoundName}Ms`] = ms;
  const failoverMaxMs: Partial<Record<FailoverComponentName, number>> = {};
  for (const [name, ms] of Object.entries(raw?.failover ?? {})) if (ms !== undefined) failoverMaxMs[name as FailoverComponentName] = ms;
  const leaseLoad = raw?.leaseLoad;
  return {
    hold: [...lists.hold],
    fail: [...lists.fail],
    ignore: [...lists.ignore],
    boundsMs,
    failoverMaxMs,
    ...(leaseLoad === undefined
      ? {}
      : {
          leaseLoad: {
            ...(leaseLoad.tolerance === undefined ? {} : { tolerance: leaseLoad.tolerance }),
            ...(leaseLoad.from === undefined ? {} : { fromMs: leaseLoad.from }),
            ...(leaseLoad.to === undefined ? {} : { toMs: leaseLoad.to }),
          },
        }),
  };
}
