// Polls the server's health so the shell can show whether the product is up.
import { createResource, onCleanup } from 'solid-js';
import { api, type Health } from './api.ts';

const POLL_MS = 10_000;

async function fetchHealth(): Promise<Health | null> {
  try {
    const response = await api.health.$get();
    return await response.json();
  } catch {
    return null;
  }
}

export function createHealth() {
  const [health, { refetch }] = createResource(fetchHealth);
  const timer = setInterval(() => void refetch(), POLL_MS);
  onCleanup(() => clearInterval(timer));
  return health;
}
