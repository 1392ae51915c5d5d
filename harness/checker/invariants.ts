/**
 * Every invariant checker of the architecture table, by name, and one composed checker over all
 * of them — what `l2lab run` writes into `results.json`.
 */
import { composeCheckers, type NamedChecker } from './check-result.ts';
import { checkFailoverBound } from './failover-bound.ts';
import { checkHolderAnswers } from './holder-answers.ts';
import { checkHolderEligible } from './holder-eligible.ts';
import { checkIfaceScope } from './iface-scope.ts';
import { checkLeaseLoad } from './lease-load.ts';
import { checkLeaseScope } from './lease-scope.ts';
import { checkNewIpAnnounced } from './new-ip-announced.ts';
import { checkOneResponder } from './one-responder.ts';
import { checkIpStability, checkPoolBounds } from './pool-bounds.ts';
import { checkReacquire } from './reacquire.ts';
import { checkSharedIpOneNode } from './shared-ip-one-node.ts';

/** Safety invariants (a violation exits 3). */
export const SAFETY_CHECKERS: readonly NamedChecker[] = [
  { name: 'lease-scope', check: checkLeaseScope },
  { name: 'one-responder', check: checkOneResponder },
  { name: 'holder-eligible', check: checkHolderEligible },
  { name: 'holder-answers', check: checkHolderAnswers },
  { name: 'ip-stability', check: checkIpStability },
  { name: 'pool-bounds', check: checkPoolBounds },
  { name: 'shared-ip-one-node', check: checkSharedIpOneNode },
  { name: 'iface-scope', check: checkIfaceScope },
];

/** Liveness invariants (a violation exits 4). */
export const LIVENESS_CHECKERS: readonly NamedChecker[] = [
  { name: 'failover-bound', check: checkFailoverBound },
  { name: 'reacquire', check: checkReacquire },
  { name: 'new-ip-announced', check: checkNewIpAnnounced },
  { name: 'lease-load', check: checkLeaseLoad },
];

/** All invariant checkers composed (each under checkSafe). */
export const checkAllInvariants = composeCheckers([...SAFETY_CHECKERS, ...LIVENESS_CHECKERS]);
