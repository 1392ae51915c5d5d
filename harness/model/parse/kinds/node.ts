import { z } from 'zod';
import type { Node } from '../../types.ts';
import { objectMetaSchema } from '../common-schemas.ts';
import { defineKind } from './kind-handler.ts';

/** Annotation l2lab reads for a node's network devices (Cilium's selected devices), comma list. */
export const INTERFACES_ANNOTATION = 'l2lab.io/interfaces';

const nodeSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: objectMetaSchema,
  // spec and status are large and irrelevant to announcements; accepted as they are.
  spec: z.unknown().optional(),
  status: z.unknown().optional(),
});

/** core/v1 Node (labels drive `nodeSelector`; interfaces from the l2lab annotation). */
export const nodeKind = defineKind({
  apiVersions: ['v1'],
  kind: 'Node',
  schema: nodeSchema,
  toModel(raw, source): Node[] {
    const annotation = raw.metadata.annotations?.[INTERFACES_ANNOTATION];
    const interfaces = annotation
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    return [{ kind: 'Node', name: raw.metadata.name, labels: raw.metadata.labels ?? {}, interfaces, source }];
  },
});
