// Structured JSON logs (pino). Secrets are censored by key wherever they appear in the first three levels
// of a log object, so a config or a connection logged by mistake cannot leak a credential.
import { pino, type DestinationStream, type Logger } from 'pino';

const secretKeys = ['token', 'accessToken', 'refreshToken', 'password', 'secret', 'clientSecret', 'authorization', 'Authorization', 'sessionId'];

export const redactPaths = secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export type { Logger };

export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  return pino({
    name: options.name ?? 'reco-sync-server',
    level: options.level ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, destination);
}
