import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiErrorCode, apiErrorMessage } from './api-error.ts';

describe('apiErrorMessage', () => {
  it('keeps the code and the server message of a Status body', () => {
    const e = new ApiException(409, 'HTTP-Code: 409 … long …', JSON.stringify({ kind: 'Status', message: 'Operation cannot be fulfilled on leases.coordination.k8s.io "x": the object has been modified' }), {});
    expect(apiErrorMessage(e)).toBe('HTTP 409: Operation cannot be fulfilled on leases.coordination.k8s.io "x": the object has been modified');
    expect(apiErrorCode(e)).toBe(409);
  });
  it('falls back to the error message', () => {
    expect(apiErrorMessage(new Error('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(apiErrorCode(new Error('x'))).toBeUndefined();
  });
});
