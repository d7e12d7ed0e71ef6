/**
 * `npm run emulator`: the local AWS twin standalone, with demo-friendly delays, on the
 * port from configuration (EMULATOR_PORT / EMULATOR_HOST). `-- --profile aws` runs it
 * with AWS's metric timing, API rates and quotas instead (emulator/README.md).
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config/index.js';
import { defaultShardQuota, EMULATOR_PROFILES, type EmulatorProfile, type EmulatorOverrides } from './config.js';
import { startEmulator } from './server.js';

const { values: args } = parseArgs({ options: { profile: { type: 'string', default: 'demo' } } });
if (!(EMULATOR_PROFILES as readonly string[]).includes(args.profile)) {
  process.stderr.write(`--profile: must be one of ${EMULATOR_PROFILES.join(', ')} (got '${args.profile}')\n`);
  process.exit(2);
}
const profile = args.profile as EmulatorProfile;
const config = loadConfigOrExit();
const overrides: EmulatorOverrides = { host: config.emulator.host, port: config.emulator.port, region: config.aws.region };
// The account's shard quota depends on the region AWS would run in.
if (profile === 'aws') overrides.kinesis = { shardsPerAccount: defaultShardQuota(config.aws.region) };
const emulator = await startEmulator({ profile, overrides });

const services = emulator.services.modules.map((m) => m.targetPrefix).join(', ');
process.stdout.write(
  [
    `shardpilot emulator listening on ${emulator.url} (HTTP/1.1 and h2c), profile ${profile}`,
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
