import { describe, expect, it } from 'vitest';
import { ConflictError, TimeoutError, UnavailableError } from '../core/store-errors.ts';
import { NO_OBSERVATION, type LocalObservation } from './decide-lease.ts';
import { decideRenewFailure, isServerDown, observationAfterOutage } from './api-outage.ts';

const on = { leadThroughApiOutage: true };
const off = { leadThroughApiOutage: false };

describe('C12: renewals refused by a down API server (leadThroughApiOutage)', () => {
  it('a 503 or a refused connection is the server down; a reject partition, a timeout or a conflict is not', () => {
    expect(isServerDown(new UnavailableError('get lease: 503', 503))).toBe(true);
    expect(isServerDown(new UnavailableError('get lease: ECONNREFUSED', undefined, true))).toBe(true);
    expect(isServerDown(new UnavailableError('get lease: n1 is partitioned'))).toBe(false);
    expect(isServerDown(new UnavailableError('get lease: EHOSTUNREACH'))).toBe(false);
    expect(isServerDown(new TimeoutError('get lease: deadline', 'deadline'))).toBe(false);
    expect(isServerDown(new ConflictError('update lease', 'resource-version'))).toBe(false);
    expect(isServerDown(undefined)).toBe(false);
  });

  it('only a renewal whose last attempt the server refused as down keeps the term, and only with the switch', () => {
    const down = new UnavailableError('update lease: 503', 503);
    expect(decideRenewFailure(down, on)).toBe('lead-on');
    expect(decideRenewFailure(down, off)).toBe('stop-leading');
    expect(decideRenewFailure(new TimeoutError('update lease: deadline', 'deadline'), on)).toBe('stop-leading');
    // Lost to another holder: an answer, no error.
    expect(decideRenewFailure(undefined, on)).toBe('stop-leading');
  });

  it('a candidate that could not read the Lease observes it afresh, so the outage does not count as the holder being silent', () => {
    const record = { holderIdentity: 'n1', leaseDurationSeconds: 3, acquireTime: 't', renewTime: 't', leaderTransitions: 0 };
    const seen: LocalObservation = { record, read: record, observedAtMs: 1_000 };
    expect(observationAfterOutage(seen, true, on)).toBe(NO_OBSERVATION);
    expect(observationAfterOutage(seen, false, on)).toBe(seen);
    expect(observationAfterOutage(seen, true, off)).toBe(seen);
  });
});
