/**
 * Node prints process warnings (deprecations, the AWS SDK's Node-version notice) to
 * stderr as free text, which breaks a JSON log stream. Imported first by the entry
 * point, so it is in place before any library emits one: warnings become one log line
 * in the configured format instead.
 */
import { formatLogLine, type LogFormat } from './logging.js';

let format: LogFormat = 'json';

/** Called once the configuration is read (LOG_FORMAT); until then warnings are JSON. */
export function setWarningFormat(next: LogFormat): void {
  format = next;
}

process.removeAllListeners('warning');
process.on('warning', (warning) => {
  process.stderr.write(`${formatLogLine(format, {
    time: new Date(),
    level: 'WARN',
    message: warning.message,
    meta: { warning: warning.name, ...('code' in warning && warning.code !== undefined ? { code: warning.code } : {}) },
  })}\n`);
});
