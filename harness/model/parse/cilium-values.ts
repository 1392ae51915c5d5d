import parseDuration from 'parse-duration';
import { z } from 'zod';
import type { CiliumValues } from '../types.ts';
import { formatPath, type ParseIssue } from './issue.ts';
import { readYamlDocuments } from './yaml-documents.ts';

/** A Go `time.Duration` string as the agent flags take it (`15s`, `1m30s`, `200ms`). */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

const durationSchema = z
  .string({ error: 'expected a Go duration string such as "15s" or "200ms"' })
  .regex(GO_DURATION, 'expected a Go duration string such as "15s" or "200ms"');
const boolish = z.union([z.boolean(), z.enum(['true', 'false'])]);

// Helm values have hundreds of keys; only the ones that change announcements are read and typed,
// everything else passes (a chart upgrade must not break `check`).
const valuesSchema = z.looseObject({
  l2announcements: z
    .looseObject({
      enabled: boolish.optional(),
      leaseDuration: durationSchema.optional(),
      leaseRenewDeadline: durationSchema.optional(),
      leaseRetryPeriod: durationSchema.optional(),
    })
    .optional(),
  k8sClientRateLimit: z
    .looseObject({ qps: z.number().positive().optional(), burst: z.number().int().positive().optional() })
    .optional(),
  kubeProxyReplacement: z.union([z.boolean(), z.enum(['true', 'false', 'strict', 'partial', 'probe', 'disabled'])]).optional(),
  devices: z.union([z.string(), z.array(z.string())]).nullable().optional(),
  enableLBIPAM: boolish.optional(),
  defaultLBServiceIPAM: z.enum(['lbipam', 'nodeipam', 'none']).optional(),
  ipv4: z.looseObject({ enabled: boolish.optional() }).optional(),
  ipv6: z.looseObject({ enabled: boolish.optional() }).optional(),
  gatewayAPI: z
    .looseObject({ enabled: boolish.optional(), externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional() })
    .optional(),
});

/** Parses a Cilium Helm values file into {@link CiliumValues}; wrong types become issues. */
export function parseCiliumValues(text: string, file: string): { values?: CiliumValues; issues: ParseIssue[] } {
  const { documents, issues } = readYamlDocuments(text, file);
  if (issues.length > 0) return { issues };
  const doc = documents[0];
  if (doc === undefined) return { values: { source: { file, line: 1 } }, issues: [] };
  if (documents.length > 1) {
    return { issues: [{ file, line: documents[1]?.line ?? 1, path: '', message: 'a values file holds one YAML document; found more' }] };
  }
  const result = valuesSchema.safeParse(doc.value);
  if (!result.success) {
    return {
      issues: result.error.issues.map((issue) => ({
        file,
        line: doc.lineAt(issue.path),
        path: formatPath(issue.path),
        message: issue.message,
      })),
    };
  }
  const v = result.data;
  const bool = (x: boolean | 'true' | 'false' | undefined): boolean | undefined => (x === undefined ? undefined : x === true || x === 'true');
  const ms = (d: string | undefined): number | undefined => (d === undefined ? undefined : (parseDuration(d) ?? undefined));
  const kpr = v.kubeProxyReplacement;
  return {
    values: {
      l2announcementsEnabled: bool(v.l2announcements?.enabled),
      leaseDurationMs: ms(v.l2announcements?.leaseDuration),
      leaseRenewDeadlineMs: ms(v.l2announcements?.leaseRenewDeadline),
      leaseRetryPeriodMs: ms(v.l2announcements?.leaseRetryPeriod),
      k8sClientQps: v.k8sClientRateLimit?.qps,
      k8sClientBurst: v.k8sClientRateLimit?.burst,
      kubeProxyReplacement: kpr === undefined ? undefined : kpr === true || kpr === 'true' || kpr === 'strict',
      devices: splitDevices(v.devices),
      enableLbIpam: bool(v.enableLBIPAM),
      defaultLbServiceIpam: v.defaultLBServiceIPAM,
      ipv4Enabled: bool(v.ipv4?.enabled),
      ipv6Enabled: bool(v.ipv6?.enabled),
      gatewayApiEnabled: bool(v.gatewayAPI?.enabled),
      gatewayApiExternalTrafficPolicy: v.gatewayAPI?.externalTrafficPolicy,
      source: { file, line: 1 },
    },
    issues: [],
  };
}

/** `devices` is a list or a space/comma separated string in Cilium's chart. */
function splitDevices(devices: string | string[] | null | undefined): string[] | undefined {
  if (devices === null || devices === undefined) return undefined;
  const list = Array.isArray(devices) ? devices : devices.split(/[\s,]+/);
  const names = list.map((d) => d.trim()).filter((d) => d !== '');
  return names.length === 0 ? undefined : names;
}
