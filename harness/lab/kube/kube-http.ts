/**
 * HTTP(S) to the API server with what the port needs and `@kubernetes/client-node` does not give
 * per call: an AbortSignal and a deadline on every request (its generated API methods take
 * neither; only its Watch aborts), the raw status and `Status` body (its ApiException wraps them
 * per method), and one keep-alive connection pool per process (its fetch dispatcher is per
 * KubeConfig). So requests go through `node:https` directly; `http:` URLs are accepted for tests
 * against a local fake server.
 *
 * Timers come from the injected {@link Clock} (no ambient setTimeout). Outcomes are data
 * ({@link HttpOutcome}); turning them into StoreErrors is `kube-errors.ts`'s job.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Clock } from '../../core/clock.ts';

/** Where the API server is and who we are. */
export interface KubeEndpoint {
  /** `https://198.19.248.1:6443` (or `http://127.0.0.1:port` in tests). */
  readonly serverUrl: string;
  /** CA bundle of the server certificate (PEM). */
  readonly caPem?: string;
  /** Bearer token: decides the identity the server sees. */
  readonly token?: string;
  /**
   * Client certificate and key (PEM) for mutual TLS — kind and Talos kubeconfigs authenticate so;
   * the certificate's subject decides the identity. Both or neither.
   */
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
}

/** One request. */
export interface HttpCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with query string. */
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly signal?: AbortSignal | undefined;
  /** Gives up after this long (> 0). */
  readonly timeoutMs: number;
}

/** How a request ended. */
export type HttpOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: string }
  | { readonly kind: 'network'; readonly error: Error }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'deadline' };

/** Callbacks of a streaming GET (watch). */
export interface StreamHandlers {
  /** The response head arrived; non-2xx bodies are still streamed to `onData`. */
  onResponse(status: number, headers: IncomingHttpHeaders): void;
  onData(chunk: string): void;
  /** The stream ended: `error` undefined for a clean end (server closed the watch). */
  onEnd(error: Error | undefined): void;
}

/** A running stream; `close()` is idempotent and calls no handler. */
export interface StreamHandle {
  close(): void;
}

/** HTTP client of one process: a keep-alive pool for requests, a separate one for watch streams. */
export class KubeHttp {
  readonly endpoint: KubeEndpoint;
  readonly #clock: Pick<Clock, 'setTimer'>;
  readonly #https: boolean;
  readonly #requestAgent: HttpAgent | HttpsAgent;
  readonly #streamAgent: HttpAgent | HttpsAgent;

  /** @throws Error naming the URL when it is not http(s). */
  constructor(endpoint: KubeEndpoint, clock: Pick<Clock, 'setTimer'>) {
    const url = new URL(endpoint.serverUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`connecting to the API server ${endpoint.serverUrl}: expected an https:// (or http://) URL`);
    this.endpoint = endpoint;
    this.#clock = clock;
    this.#https = url.protocol === 'https:';
    if ((endpoint.clientCertPem === undefined) !== (endpoint.clientKeyPem === undefined)) throw new Error(`connecting to the API server ${endpoint.serverUrl}: a client certificate needs its key (got only one of the two)`);
    const tls = {
      ...(endpoint.caPem === undefined ? {} : { ca: endpoint.caPem }),
      ...(endpoint.clientCertPem === undefined || endpoint.clientKeyPem === undefined ? {} : { cert: endpoint.clientCertPem, key: endpoint.clientKeyPem }),
    };
    this.#requestAgent = this.#https ? new HttpsAgent({ keepAlive: true, ...tls }) : new HttpAgent({ keepAlive: true });
    this.#streamAgent = this.#https ? new HttpsAgent({ keepAlive: false, ...tls }) : new HttpAgent({ keepAlive: false });
  }

  /** Sends one request and reads the whole answer. Never rejects. */
  request(call: HttpCall): Promise<HttpOutcome> {
    if (call.signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: HttpOutcome): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        call.signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const req = this.#send(call, this.#requestAgent, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => finish({ kind: 'network', error }));
      });
      const onAbort = (): void => {
        finish({ kind: 'aborted' });
        req.destroy();
      };
      const timer = this.#clock.setTimer(call.timeoutMs, () => {
        finish({ kind: 'deadline' });
        req.destroy();
      });
      call.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => finish({ kind: 'network', error }));
      req.end(call.body);
    });
  }

  /**
   * Opens a streaming GET. `connectTimeoutMs` bounds the wait for the response head; the caller
   * bounds idleness itself (it knows what heartbeats to expect).
   */
  stream(path: string, connectTimeoutMs: number, handlers: StreamHandlers): StreamHandle {
    let closed = false;
    let ended = false;
    const end = (error: Error | undefined): void => {
      if (closed || ended) return;
      ended = true;
      timer.cancel();
      handlers.onEnd(error);
    };
    const req = this.#send({ method: 'GET', path, timeoutMs: connectTimeoutMs }, this.#streamAgent, (res) => {
      timer.cancel();
      if (closed) return;
      handlers.onResponse(res.statusCode ?? 0, res.headers);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!closed && !ended) handlers.onData(chunk);
      });
      res.on('end', () => end(undefined));
      res.on('error', (error) => end(error));
      res.on('close', () => end(res.complete ? undefined : new Error('the watch stream closed before its end')));
    });
    const timer = this.#clock.setTimer(connectTimeoutMs, () => {
      end(new Error(`no response head within ${connectTimeoutMs} ms`));
      req.destroy();
    });
    req.on('error', (error) => end(error));
    req.end();
    return {
      close: () => {
        if (closed) return;
        closed = true;
        timer.cancel();
        req.destroy();
      },
    };
  }

  /** Closes idle pooled connections (the process is stopping). */
  close(): void {
    this.#requestAgent.destroy();
    this.#streamAgent.destroy();
  }

  #send(call: HttpCall, agent: HttpAgent | HttpsAgent, onResponse: (res: IncomingMessage) => void): ReturnType<typeof httpRequest> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.endpoint.token !== undefined) headers['authorization'] = `Bearer ${this.endpoint.token}`;
    if (call.body !== undefined) {
      headers['content-type'] = call.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(call.body));
    }
    const url = new URL(call.path, this.endpoint.serverUrl);
    const options = { method: call.method, headers, agent };
    return this.#https ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
  }
}
