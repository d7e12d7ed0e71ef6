/**
 * The dashboard: one static HTML page and its browser modules, no build step. The page
 * reads the API's JSON (status, metrics, scaling, replay, hot spots) and draws inline SVG;
 * the borough outline of the hot-spot map ships as a small JSON file (no map tiles).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PipelineParams } from '../schemas/common.js';

const DASHBOARD_DIR = join(import.meta.dirname, '..', 'dashboard');

const JS = 'text/javascript; charset=utf-8';
/** Every file the page loads, and nothing else from its folder. */
const ASSETS: Record<string, string> = {
  'dashboard.js': JS,
  'api-client.js': JS,
  'format.js': JS,
  'charts.js': JS,
  'geo.js': JS,
  'list-page.js': JS,
  'create-form.js': JS,
  'pipeline-page.js': JS,
  'hotspot-map.js': JS,
  'dashboard.css': 'text/css; charset=utf-8',
  'nyc-outline.json': 'application/json; charset=utf-8',
};

const HtmlPage = Type.String({ description: 'text/html' });

const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Read once at start: the files are part of the release, and a missing one should fail the boot, not a request.
  const page = await readFile(join(DASHBOARD_DIR, 'index.html'), 'utf8');
  const assets = new Map<string, string>();
  for (const name of Object.keys(ASSETS)) assets.set(name, await readFile(join(DASHBOARD_DIR, name), 'utf8'));

  app.get('/dashboard', {
    schema: { tags: ['dashboard'], summary: 'Dashboard: all pipelines', security: [], response: { 200: HtmlPage } },
  }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));

  app.get('/dashboard/:id', {
    schema: { tags: ['dashboard'], summary: 'Dashboard: one pipeline', security: [], params: PipelineParams, response: { 200: HtmlPage } },
  }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));

  app.get('/dashboard/assets/:name', {
    schema: {
      tags: ['dashboard'],
      summary: 'Dashboard script and style',
      security: [],
      params: Type.Object({ name: Type.Enum(Object.keys(ASSETS)) }, { additionalProperties: false }),
      response: { 200: Type.String() },
    },
  }, async (request, reply) => {
    const { name } = request.params;
    return reply.type(ASSETS[name] ?? 'text/plain').header('cache-control', 'no-cache').send(assets.get(name) ?? '');
  });
};

export default dashboardRoutes;
