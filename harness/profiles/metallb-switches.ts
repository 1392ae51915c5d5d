/**
 * MetalLB layer2-mode switches (bug-catalog M02 – M11, `reference/peers-and-numbers.md`): filled in
 * by the metallb-l2 profile work (issue 7).
 */
export interface MetallbSwitches {
  /** MetalLB release the profile models, e.g. `0.16.1`. */
  readonly version: string;
}
