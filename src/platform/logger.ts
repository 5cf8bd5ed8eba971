import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'croupier'): Logger {
  return pino({ level, name, base: { pid: process.pid } });
}
