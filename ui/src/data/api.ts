// The UI's API client, typed from the server's route definitions (no hand-copied types).
import { hc, type InferResponseType } from 'hono/client';
import type { ApiRoutes } from '../../../core/http/app.ts';

export const api = hc<ApiRoutes>('/api');

export type Health = InferResponseType<typeof api.health.$get>;
