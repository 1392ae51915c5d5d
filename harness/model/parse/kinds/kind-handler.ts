import type { z } from 'zod';
import type { ManifestObject } from '../manifest-object.ts';
import type { SourceRef } from '../../types.ts';

/** How one Kubernetes kind is validated and turned into model objects. */
export interface KindHandler<S extends z.ZodType = z.ZodType> {
  /** `apiVersion` values accepted for this kind. */
  readonly apiVersions: readonly string[];
  readonly kind: string;
  readonly schema: S;
  /** Turns a validated object into model objects (a Gateway yields its derived Service). */
  toModel(raw: z.infer<S>, source: SourceRef): readonly ManifestObject[];
}

/** Helper that keeps the handler's schema and `toModel` argument types tied together. */
export function defineKind<S extends z.ZodType>(handler: KindHandler<S>): KindHandler {
  return handler as unknown as KindHandler;
}
