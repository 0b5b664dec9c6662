// The product's one logger: pino, pretty in a terminal and JSON lines otherwise.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

export type { Logger };

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const options = { level: config.logLevel, base: undefined };
  if (config.logFormat === 'pretty') {
    // In-thread stream (no worker): logs written just before exit are not lost.
    return pino(options, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
  }
  return pino(options, pino.destination({ sync: true }));
}
