/**
 * `npm run emulator`: the local AWS twin standalone, with demo-friendly delays, on the
 * port from configuration (EMULATOR_PORT / EMULATOR_HOST).
 */
import { loadConfigOrExit } from '../config/index.js';
import { startEmulator } from './server.js';

const config = loadConfigOrExit();
const emulator = await startEmulator({
  profile: 'demo',
  overrides: { host: config.emulator.host, port: config.emulator.port, region: config.aws.region },
});

const services = emulator.services.modules.map((m) => m.targetPrefix).join(', ');
process.stdout.write(
  [
    `shardpilot emulator listening on ${emulator.url} (HTTP/1.1 and h2c)`,
    `services: ${services}`,
    `admin API: ${emulator.url}/_emulator/health`,
    '',
    'Point an AWS SDK or the AWS CLI at it with:',
    `  export AWS_ENDPOINT_URL=${emulator.url}`,
    `  export AWS_REGION=${emulator.options.region}`,
    '  export AWS_ACCESS_KEY_ID=test',
    '  export AWS_SECRET_ACCESS_KEY=test',
    '',
  ].join('\n'),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal} received, stopping emulator\n`);
  await emulator.close();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void shutdown(signal));
}
