// The benchmarks' HTTP client: HTTP/1.1 keep-alive over plain sockets, one request at a time on each.
// A load generator shares this machine's two cores with the server it measures, so it has to cost little:
// measured here (`moves`, 16 clients), node:http spent 0.16–0.28 ms of CPU per request and fetch ~0.85 ms,
// this 0.07–0.10 ms. It also sends each request in one write, as a browser does, where node:http sent the
// body after the headers. It reads what the server answers: a status line, headers, a Content-Length body.
import net from 'node:net';

export interface BenchResponse {
  status: number;
  header(name: string): string | undefined;
  text(): string;
  json<T>(): T;
  bytes: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** The server closes a connection idle for 5 s (Node's default): one idle this long is not reused. */
const IDLE_MS = 4_000;

interface Answer {
  resolve(response: BenchResponse): void;
  reject(error: Error): void;
}

class Connection {
  readonly socket: net.Socket;
  closed = false;
  lastUsed = performance.now();
  private answer: Answer | undefined;
  private head: { status: number; headers: Map<string, string>; length: number } | undefined;
  private chunks: Buffer[] = [];
  private received = 0;

  constructor(host: string, port: number) {
    this.socket = net.connect(port, host);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (error?: Error) => {
      this.closed = true;
      this.finish()?.reject(error ?? new Error('the server closed the connection before answering'));
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail());
  }

  send(request: string): Promise<BenchResponse> {
    return new Promise((resolve, reject) => {
      this.answer = { resolve, reject };
      this.socket.write(request);
    });
  }

  private finish(): Answer | undefined {
    const answer = this.answer;
    this.answer = undefined;
    this.head = undefined;
    this.chunks = [];
    this.received = 0;
    this.lastUsed = performance.now();
    return answer;
  }

  private read(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (!this.head) {
      const buffered = Buffer.concat(this.chunks, this.received);
      const end = buffered.indexOf(HEADER_END);
      if (end < 0) return;
      const [statusLine, ...lines] = buffered.toString('latin1', 0, end).split('\r\n');
      const headers = new Map(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const length = Number(headers.get('content-length'));
      if (!Number.isInteger(length)) {
        this.finish()?.reject(
          new Error('the bench client reads Content-Length bodies only; the server answered without one'),
        );
        this.socket.destroy();
        return;
      }
      this.head = { status: Number(statusLine!.split(' ')[1]), headers, length };
      this.chunks = [buffered.subarray(end + HEADER_END.length)];
      this.received = this.chunks[0]!.length;
    }
    if (this.received < this.head.length) return;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.received);
    const { status, headers } = this.head;
    this.finish()!.resolve({
      status,
      header: (name) => headers.get(name.toLowerCase()),
      text: () => body.toString('utf8'),
      json: <T>() => JSON.parse(body.toString('utf8')) as T,
      bytes: body.length,
    });
  }
}

export function createHttpClient(baseUrl: string, maxSockets: number) {
  const { hostname, port } = new URL(baseUrl);
  const connect = () => new Connection(hostname, Number(port));
  const idle: Connection[] = [];
  const waiting: ((connection: Connection) => void)[] = [];
  let open = 0;

  const acquire = (): Connection | Promise<Connection> => {
    for (let connection = idle.pop(); connection; connection = idle.pop()) {
      if (!connection.closed && performance.now() - connection.lastUsed < IDLE_MS) return connection;
      connection.socket.destroy();
      open--;
    }
    if (open < maxSockets) {
      open++;
      return connect();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };

  const release = (connection: Connection) => {
    const next = waiting.shift();
    if (connection.closed) {
      if (next) next(connect());
      else open--;
    } else if (next) next(connection);
    else idle.push(connection);
  };

  return {
    async request(
      method: string,
      path: string,
      body: unknown,
      cookie: string | undefined,
      headers: Record<string, string> = {},
    ): Promise<BenchResponse> {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const lines = [
        `${method} ${path} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ];
      if (cookie) lines.push(`Cookie: ${cookie}`);
      if (body !== undefined)
        lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`);
      const connection = await acquire();
      try {
        return await connection.send(`${lines.join('\r\n')}\r\n\r\n${payload}`);
      } finally {
        release(connection);
      }
    },
    close(): void {
      for (const connection of idle.splice(0)) connection.socket.destroy();
    },
  };
}
