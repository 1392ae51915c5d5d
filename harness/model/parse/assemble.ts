import type { ManifestSet, Service } from '../types.ts';
import { deriveGatewayBackends, deriveGatewayServices } from './gateway-services.ts';
import type { ParseIssue } from './issue.ts';
import type { GatewayClassObject, GatewayObject, ManifestObject } from './manifest-object.ts';
import type { ParsedDocuments } from './parse-documents.ts';

/** Options that change how the set is assembled (from Cilium's Helm values). */
export interface AssembleOptions {
  /** `gatewayAPI.externalTrafficPolicy` for services Cilium derives from Gateways. */
  readonly gatewayExternalTrafficPolicy?: 'Cluster' | 'Local';
}

/**
 * Merges parsed files into one {@link ManifestSet}: later duplicates replace earlier ones (as a
 * second `kubectl apply` would) and are reported, Gateways become the Services Cilium creates.
 */
export function assembleManifestSet(parsed: readonly ParsedDocuments[], options: AssembleOptions = {}): { set: ManifestSet; warnings: ParseIssue[] } {
  const warnings: ParseIssue[] = [];
  const byKey = new Map<string, ManifestObject>();
  for (const object of parsed.flatMap((p) => p.objects)) {
    const key = identity(object);
    if (key === undefined) {
      byKey.set(`#${byKey.size}`, object);
      continue;
    }
    const previous = byKey.get(key);
    if (previous !== undefined) {
      warnings.push({
        file: object.source.file,
        line: object.source.line,
        path: '',
        object: key,
        message: `defined again (first at ${previous.source.file}:${previous.source.line}); the later definition is used`,
      });
      byKey.delete(key); // re-insert so the order is that of the definition in force
    }
    byKey.set(key, object);
  }
  const objects = [...byKey.values()];
  const pick = <K extends ManifestObject['kind']>(kind: K) => objects.filter((o): o is Extract<ManifestObject, { kind: K }> => o.kind === kind);
  const services: Service[] = pick('Service');
  const gateways: GatewayObject[] = pick('Gateway');
  const classes: GatewayClassObject[] = pick('GatewayClass');
  const derived = deriveGatewayServices(gateways, classes, options.gatewayExternalTrafficPolicy ?? 'Cluster').filter(
    (svc) => !services.some((s) => s.namespace === svc.namespace && s.name === svc.name),
  );
  return {
    set: {
      services: [...services, ...derived],
      nodes: pick('Node'),
      endpoints: [...pick('Endpoint'), ...deriveGatewayBackends(derived)],
      leases: pick('Lease'),
      policies: pick('CiliumL2AnnouncementPolicy'),
      pools: pick('CiliumLoadBalancerIPPool'),
      skipped: parsed.flatMap((p) => p.skipped),
    },
    warnings,
  };
}

function identity(object: ManifestObject): string | undefined {
  switch (object.kind) {
    case 'Service':
    case 'Lease':
    case 'Gateway':
      return `${object.kind}/${object.namespace}/${object.name}`;
    case 'Node':
    case 'CiliumL2AnnouncementPolicy':
    case 'CiliumLoadBalancerIPPool':
    case 'GatewayClass':
      return `${object.kind}/${object.name}`;
    case 'Endpoint':
      return undefined; // endpoints are many per slice; duplicates are harmless
  }
}
