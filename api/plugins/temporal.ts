/**
 * Decorates the app with the Temporal client and the pipeline gateway built on it.
 * A client handed in by the caller stays the caller's; one this plugin created from a
 * factory is closed with the app.
 */
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { PipelineGateway, type PipelineGatewayOptions } from '../temporal/pipelines.js';

declare module 'fastify' {
  interface FastifyInstance {
    temporal: Client;
    pipelines: PipelineGateway;
  }
}

export type TemporalSource = Client | (() => Client | Promise<Client>);

export interface TemporalPluginOptions {
  source: TemporalSource;
  namespace: string;
  taskQueue: string;
  callTimeoutMs: number;
  readCache?: PipelineGatewayOptions['readCache'];
}

const temporalPlugin: FastifyPluginAsync<TemporalPluginOptions> = async (app, options) => {
  const owned = typeof options.source === 'function';
  const client = typeof options.source === 'function' ? await options.source() : options.source;
  app.decorate('temporal', client);
  const pipelines = new PipelineGateway(client, {
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    callTimeoutMs: options.callTimeoutMs,
    readCache: options.readCache,
  });
  app.decorate('pipelines', pipelines);
  app.addHook('onClose', async () => {
    pipelines.close();
  });
  if (owned) {
    app.addHook('onClose', async () => {
      await client.connection.close();
    });
  }
};

export default fp(temporalPlugin, { name: 'temporal' });
