// A client that writes whatever bytes a test gives it to a server's TCP port, the way an attacker or a
// broken proxy would: malformed requests and upgrades, hand-made websocket frames, abrupt resets.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface RawConnection {
  socket: net.Socket;
  /** The status of the server's first response line, once it arrived (null if it closed without one). */
  status(): Promise<number | null>;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
  received(): Buffer;
}

export function rawConnect(baseUrl: string): RawConnection {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect({ host: hostname, port: Number(port) });
  socket.on('error', () => {});
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const firstLine = new Promise<number | null>((resolve) => {
    const look = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match) resolve(Number(match[1]));
    };
    socket.on('data', look);
    void closed.then(() => resolve(null));
  });
  return { socket, status: () => firstLine, closed, received: () => Buffer.concat(chunks) };
}

/** Sends a request head (lines without the final blank line) and answers the response status. */
export async function rawRequest(baseUrl: string, lines: string[]): Promise<number | null> {
  const connection = rawConnect(baseUrl);
  connection.socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  const status = await connection.status();
  connection.socket.destroy();
  return status;
}

/** The head of a websocket upgrade for `path`, with extra header lines. */
export function upgradeHead(
  baseUrl: string,
  path: string,
  headers: string[] = [],
  host = new URL(baseUrl).host,
): string[] {
  return [
    `GET ${path} HTTP/1.1`,
    ...(host ? [`Host: ${host}`] : []),
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    ...headers,
  ];
}

/** One websocket frame as a client would send it (masked unless told otherwise). */
export function frame(
  opcode: number,
  payload: Buffer,
  options: { masked?: boolean; fin?: boolean; declaredLength?: number } = {},
): Buffer {
  const masked = options.masked ?? true;
  const length = options.declaredLength ?? payload.length;
  const head: number[] = [((options.fin ?? true) ? 0x80 : 0) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(head), mask, body]);
}
