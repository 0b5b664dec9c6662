// The benchmarks' HTTP client: node:http with keep-alive. Measured here, fetch (undici) spends about
// 0.85 ms of CPU per request on its own — in a benchmark whose clients share the server's two cores,
// that is the client being measured, not the server (see README, "Benchmarks").
import http from 'node:http';

export interface BenchResponse {
  status: number;
  header(name: string): string | undefined;
  text(): string;
  json<T>(): T;
  bytes: number;
}

export function createHttpClient(baseUrl: string, maxSockets: number) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    request(method: string, path: string, body: unknown, cookie: string | undefined): Promise<BenchResponse> {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = {};
      if (payload !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
      if (cookie) headers.Cookie = cookie;
      return new Promise((resolve, reject) => {
        const request = http.request({ host: hostname, port, path, method, agent, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            resolve({
              status: response.statusCode ?? 0,
              header: (name) => {
                const value = response.headers[name.toLowerCase()];
                return Array.isArray(value) ? value[0] : value;
              },
              text: () => buffer.toString('utf8'),
              json: <T>() => JSON.parse(buffer.toString('utf8')) as T,
              bytes: buffer.length,
            });
          });
        });
        request.on('error', reject);
        request.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
