// A logger for tests that keeps lines in memory, so a test can assert what was (and was not) logged.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export function memoryLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const log = pino({ level: 'debug', base: undefined }, sink);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines };
}
