import { parseCidr, parseIp } from '../../core/ip.ts';
import { z } from 'zod';

/**
 * Zod schemas shared by the kinds: ObjectMeta, LabelSelector, IP and CIDR strings. Objects are
 * strict (unknown fields are errors, as `kubectl apply --validate=strict` would report them).
 */

const stringMap = z.record(z.string(), z.string({ error: 'expected a string value (quote numbers and booleans)' }));

/** metadata of any object: every ObjectMeta field, so real `kubectl get -o yaml` output parses. */
export const objectMetaSchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty name'),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.union([z.string(), z.date(), z.null()]).optional(),
  deletionTimestamp: z.union([z.string(), z.date(), z.null()]).optional(),
  deletionGracePeriodSeconds: z.number().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  ownerReferences: z.array(z.unknown()).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(z.unknown()).optional(),
});

export type RawObjectMeta = z.infer<typeof objectMetaSchema>;

/** A Kubernetes LabelSelector, validated as the API server does (operator/values agreement). */
export const labelSelectorSchema = z
  .strictObject({
    matchLabels: stringMap.optional(),
    matchExpressions: z
      .array(
        z.strictObject({
          key: z.string().min(1, 'expected a label key'),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist'], {
            error: 'expected one of In, NotIn, Exists, DoesNotExist',
          }),
          values: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  })
  .superRefine((selector, ctx) => {
    selector.matchExpressions?.forEach((expr, index) => {
      const count = expr.values?.length ?? 0;
      if ((expr.operator === 'In' || expr.operator === 'NotIn') && count === 0) {
        ctx.addIssue({ code: 'custom', path: ['matchExpressions', index, 'values'], message: `operator ${expr.operator} needs at least one value` });
      }
      if ((expr.operator === 'Exists' || expr.operator === 'DoesNotExist') && count > 0) {
        ctx.addIssue({ code: 'custom', path: ['matchExpressions', index, 'values'], message: `operator ${expr.operator} takes no values` });
      }
    });
  });

export type RawLabelSelector = z.infer<typeof labelSelectorSchema>;

/** True for an address Go's `netip.ParseAddr` accepts (no prefix length). */
export function isIpAddress(text: string): boolean {
  return parseIp(text) !== undefined;
}

/** True for a CIDR Go's `netip.ParsePrefix` accepts (`a.b.c.d/n`, `x::/n`). */
export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

export const ipSchema = z.string().refine(isIpAddress, { error: 'expected an IPv4 or IPv6 address, like 192.168.1.10 or 2001:db8::10' });
export const cidrSchema = z.string().refine(isCidr, { error: 'expected a CIDR, like 192.168.1.0/24 or 2001:db8::/64' });

/** ISO timestamps come back from the YAML parser as strings or Dates; keep the ISO text. */
export function timestampText(value: string | Date | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : value;
}
