/**
 * The API process: the only place that listens. Reads the configuration, builds the
 * app with a Temporal client it owns, and closes both on SIGINT/SIGTERM.
 */
import { loadConfigOrExit } from '../config/index.js';
import { buildApp } from './app.js';
import { createTemporalClient } from './temporal/connect.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await buildApp({ config, temporalClient: () => createTemporalClient(config.temporal) });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  await app.listen({ host: config.api.host, port: config.api.port });
  app.log.info(`dashboard http://${config.api.host}:${config.api.port}/dashboard · docs /docs · Temporal UI ${config.temporal.uiUrl}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`shardpilot API failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
