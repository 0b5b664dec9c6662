// The UI's API client: requests typed from the server's route table (Hono's `hc`), answers unwrapped
// into their success type, and every refusal thrown as an ApiError carrying the server's code and details.
import { hc, type ClientResponse } from 'hono/client';
import type { ApiRoutes } from '../../../core/http/contract.ts';

export const api = hc<ApiRoutes>('/api');

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let onSignedOut: () => void = () => {};
/** What to do when the session has ended (the shell sends the person to the sign-in page). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

type Success<R> =
  R extends ClientResponse<infer T, infer S, infer _F>
    ? S extends 200 | 201 | 202
      ? T
      : S extends 204
        ? undefined
        : never
    : never;

export async function unwrap<R extends ClientResponse<unknown, number, string>>(call: Promise<R>): Promise<Success<R>> {
  let response: R;
  try {
    response = await call;
  } catch {
    throw new ApiError(0, 'NETWORK', 'network error');
  }
  if (response.status === 204) return undefined as Success<R>;
  const body = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: Record<string, unknown> };
  } | null;
  if (response.ok) return body as Success<R>;
  const error = body?.error ?? {
    code: response.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
    message: response.statusText,
  };
  if (response.status === 401) onSignedOut();
  throw new ApiError(response.status, error.code, error.message, error.details ?? {});
}
