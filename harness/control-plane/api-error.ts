/**
 * Short messages for `@kubernetes/client-node` errors. Its `ApiException` message embeds the whole
 * response (body and headers); users need the status code and the API server's own `message`.
 */
import { ApiException } from '@kubernetes/client-node';

/** `HTTP <code>: <Status.message>` for API errors, the plain message otherwise. Pure. */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = error.body;
    let message: string | undefined;
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        message = body.slice(0, 500);
      }
    } else if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
      message = (body as { message: string }).message;
    }
    return `HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status of a client-node error, if it is one. */
export function apiErrorCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}
