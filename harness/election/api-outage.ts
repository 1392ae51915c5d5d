/**
 * C12 (#40735): what a leader and a candidate do when the sole API server is down, under the
 * `leadThroughApiOutage` switch (`reference` only). Cilium, as client-go, ends a term when a
 * renewal fails for renewDeadline, whatever the failure — so a control-plane outage silences every
 * VIP after about renewDeadline. A server that *refuses* (HTTP 503, connection refused) is down for
 * every node: nobody can write the Lease, so the leader can lead on safely; a timeout may be a
 * partition of this node alone, where another node may take the Lease over, so it still ends the
 * term. Pure decisions; the elector applies them.
 */
import type { StoreError } from '../core/store-errors.ts';
import type { L2Switches } from '../profiles/profile.ts';
import { NO_OBSERVATION, type LocalObservation } from './decide-lease.ts';

/** The API server itself refused the request as down (not a timeout, not a partition). */
export function isServerDown(error: StoreError | undefined): boolean {
  return error !== undefined && error.code === 'store-unavailable' && 'serverDown' in error && error.serverDown === true;
}

/**
 * Whether a renewal that failed ends the term: `lastError` is the failure of its last attempt
 * (undefined when the attempt got an answer and lost — another holder, a conflict).
 */
export function decideRenewFailure(lastError: StoreError | undefined, switches: Pick<L2Switches, 'leadThroughApiOutage'>): 'lead-on' | 'stop-leading' {
  return switches.leadThroughApiOutage === true && isServerDown(lastError) ? 'lead-on' : 'stop-leading';
}

/**
 * A candidate's observation before deciding on a Lease it could read again after reads refused by
 * a down server (`blind`): forgotten, so the record counts as just observed and the candidate waits
 * a full lease duration — the holder could not renew through the outage, and under
 * `leadThroughApiOutage` it renews as soon as the server is back. Unchanged otherwise.
 */
export function observationAfterOutage(local: LocalObservation, blind: boolean, switches: Pick<L2Switches, 'leadThroughApiOutage'>): LocalObservation {
  return blind && switches.leadThroughApiOutage === true ? NO_OBSERVATION : local;
}
