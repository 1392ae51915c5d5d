/**
 * Plain HTTPS GETs against the API server (readiness, `/metrics`, `/version`) with the run's CA and
 * a bearer token, each with a timeout. Typed clients use `@kubernetes/client-node`; these are the
 * raw endpoints it has no call for.
 */
import { request, type Agent } from 'node:https';

/** Where and as whom to ask. */
export interface ApiEndpoint {
  readonly serverUrl: string;
  readonly caPem: string;
  readonly token: string;
}

/** A finished response. */
export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * GETs `path`. Rejects on connection errors and after `timeoutMs`; any HTTP status resolves.
 * Pass a keep-alive `agent` to reuse one TLS connection across calls.
 */
export function apiGet(endpoint: ApiEndpoint, path: string, timeoutMs: number, agent?: Agent): Promise<ApiResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      new URL(path, endpoint.serverUrl),
      { method: 'GET', ca: endpoint.caPem, headers: { authorization: `Bearer ${endpoint.token}` }, timeout: timeoutMs, ...(agent ? { agent } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no response after ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}
