import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidRequestError, NotFoundError, ThrottledError, UnavailableError } from '../../core/store-errors.ts';
import { describeCall, retryAfterMs, storeErrorFromNetwork, storeErrorFromStatus, type CallDescription } from './kube-errors.ts';

const call: CallDescription = { verb: 'update', resource: 'leases', namespace: 'kube-system', name: 'cilium-l2announce-default-web', identity: 'n1' };
const status = (reason: string, message: string): string => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message });

describe('storeErrorFromStatus', () => {
  it.each([
    [409, 'Conflict', ConflictError],
    [404, 'NotFound', NotFoundError],
    [429, 'TooManyRequests', ThrottledError],
    [500, 'InternalError', UnavailableError],
    [503, 'ServiceUnavailable', UnavailableError],
    [504, 'Timeout', UnavailableError],
    [400, 'BadRequest', InvalidRequestError],
    [422, 'Invalid', InvalidRequestError],
    [403, 'Forbidden', InvalidRequestError],
  ] as const)('maps HTTP %i to %s', (code, reason, type) => {
    const error = storeErrorFromStatus(code, status(reason, 'the detail'), call);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(`update leases kube-system/cilium-l2announce-default-web as n1: HTTP ${code} ${reason}: the detail`);
  });

  it('tells a taken name from a stale resourceVersion', () => {
    expect((storeErrorFromStatus(409, status('AlreadyExists', 'exists'), call) as ConflictError).reason).toBe('already-exists');
    expect((storeErrorFromStatus(409, status('Conflict', 'modified'), call) as ConflictError).reason).toBe('resource-version');
  });

  it('keeps the server’s Retry-After on a 429 and its status on a 5xx', () => {
    expect((storeErrorFromStatus(429, '', call, '3') as ThrottledError).waitMs).toBe(3000);
    expect((storeErrorFromStatus(429, '', call, '3') as ThrottledError).httpStatus).toBe(429);
    expect((storeErrorFromStatus(503, 'not json', call) as UnavailableError).httpStatus).toBe(503);
    expect(storeErrorFromStatus(503, 'not json', call).message).toContain('not json');
  });

  it('reads Retry-After in seconds only', () => {
    expect(retryAfterMs('12')).toBe(12_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('storeErrorFromNetwork', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH'])('maps %s to UnavailableError naming the server', (code) => {
    const error = storeErrorFromNetwork(Object.assign(new Error(`connect ${code}`), { code }), call, 'https://198.19.248.1:6443');
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.outcomeKnown).toBe(true);
    expect(error.message).toContain(`https://198.19.248.1:6443 unreachable (${code})`);
    expect(error.message).toContain('as n1');
  });
});

describe('describeCall', () => {
  it('names collection calls by namespace, or all namespaces', () => {
    expect(describeCall({ verb: 'list', resource: 'services', namespace: '', identity: 'operator' })).toBe('list services (all namespaces) as operator');
    expect(describeCall({ verb: 'get', resource: 'nodes', namespace: '', name: 'n1', identity: 'n1' })).toBe('get nodes /n1 as n1');
  });
});
