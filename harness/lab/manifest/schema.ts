/**
 * The run manifest's file format (`/run/l2lab/runs/<runId>.json`): who owns the run and, in
 * creation order, everything it created. Written before each creation, so a crash at any point
 * leaves a list that covers everything that can exist; `l2lab reap` trusts nothing else.
 */
import { z } from 'zod';

/** Resource kinds a run records. */
const netnsName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);
const netnsResource = z.strictObject({ kind: z.literal('netns'), name: netnsName });
/**
 * A name the run attached to a namespace it did not create (a node container's, the host's, with
 * `ip netns attach`): teardown only detaches the name and never stops what runs inside.
 */
const netnsNameResource = z.strictObject({ kind: z.literal('netns-name'), name: netnsName });
const processResource = z.strictObject({
  kind: z.literal('process'),
  name: z.string().min(1),
  pid: z.number().int().positive(),
  startTimeTicks: z.number().int().nonnegative(),
  netns: z.string().optional(),
});
/** Absolute and not `/` itself: teardown removes these recursively. */
const removablePath = z.string().refine((p) => p.startsWith('/') && p.split('/').filter(Boolean).length >= 2, 'an absolute path at least two levels deep');
const pathResource = z.strictObject({ kind: z.enum(['file', 'dir']), path: removablePath });

/** One created object, as the manifest records it. */
export const labResourceSchema = z.discriminatedUnion('kind', [netnsResource, netnsNameResource, processResource, pathResource]);
/** A namespace, attached name, process (PID + start time) or file/directory a run created. */
export type LabResource = z.infer<typeof labResourceSchema>;

/** The manifest file, version 1. */
export const runManifestSchema = z.strictObject({
  kind: z.literal('l2lab-lab-run'),
  version: z.literal(1),
  runId: z.string().regex(/^[a-z0-9]{1,12}$/),
  ownerPid: z.number().int().positive(),
  ownerStartTicks: z.number().int().nonnegative(),
  /** ISO 8601 wall time. */
  createdAt: z.string().min(1),
  runDir: z.string().min(1),
  resources: z.array(labResourceSchema),
});
/** The parsed manifest file. */
export type RunManifestData = z.infer<typeof runManifestSchema>;

/** Same resource? (kind + name/path/pid). Pure. */
export function sameResource(a: LabResource, b: LabResource): boolean {
  switch (a.kind) {
    case 'netns':
    case 'netns-name':
      return b.kind === a.kind && a.name === b.name;
    case 'process':
      return b.kind === 'process' && a.pid === b.pid && a.startTimeTicks === b.startTimeTicks;
    case 'file':
    case 'dir':
      return b.kind === a.kind && a.path === b.path;
  }
}

/** How a resource reads in messages: `netns l2l-abc123-n1`, `process agent-n1 (pid 4242)`. Pure. */
export function describeResource(resource: LabResource): string {
  switch (resource.kind) {
    case 'netns':
      return `netns ${resource.name}`;
    case 'netns-name':
      return `netns name ${resource.name} (attached)`;
    case 'process':
      return `process ${resource.name} (pid ${resource.pid}${resource.netns === undefined ? '' : `, netns ${resource.netns}`})`;
    case 'file':
    case 'dir':
      return `${resource.kind} ${resource.path}`;
  }
}
