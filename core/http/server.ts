// Runs the app on Node's HTTP server and stops it gracefully: refuse new connections, finish in-flight.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './env.ts';

export interface RunningServer {
  url: string;
  port: number;
  /** Node's server, for protocols beside HTTP requests (websocket upgrades). */
  server: Server;
  /** Resolves true when every in-flight request finished within `graceMs`, false if some were cut. */
  stop(graceMs: number): Promise<boolean>;
}

export function startHttpServer(app: Hono<AppEnv>, options: { port: number; host: string }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({ url: `http://${shownHost}:${info.port}`, port: info.port, server: server as Server, stop });
    });
    server.once('error', reject);
    // A malformed request, a reset or a timeout on one connection ends that connection, nothing else.
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      const status =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });

    function stop(graceMs: number): Promise<boolean> {
      return new Promise((done) => {
        const http1 = 'closeIdleConnections' in server ? server : undefined;
        // close() stops accepting and waits for open connections; keep-alive sockets turn idle once
        // their request is answered, and only then can they be closed, hence the sweep.
        const sweep = setInterval(() => http1?.closeIdleConnections(), 50);
        const cutoff = setTimeout(() => {
          clearInterval(sweep);
          http1?.closeAllConnections();
          done(false);
        }, graceMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(cutoff);
          done(true);
        });
        http1?.closeIdleConnections();
      });
    }
  });
}
