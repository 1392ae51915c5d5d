import type { Profile } from './profile.ts';

/** The MetalLB layer2 profiles (`metallb-l2`, older releases for the M-bugs), oldest first. */
export const METALLB_PROFILES: readonly Profile[] = [];
