/** The dashboard is served by the API as one static page and its assets, no build step. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/app.js';

describe('dashboard routes', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each(['/dashboard', '/dashboard/some-pipeline'])('serves the page at %s, loading its script and style', async (url) => {
    const response = await api.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<script type="module" src="/dashboard/assets/dashboard.js">');
    expect(response.body).toContain('href="/dashboard/assets/dashboard.css"');
  });

  it('serves the script and the style with their content types', async () => {
    const js = await api.app.inject({ method: 'GET', url: '/dashboard/assets/dashboard.js' });
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('/pipelines/${pipelineId}/metrics');
    const css = await api.app.inject({ method: 'GET', url: '/dashboard/assets/dashboard.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('serves no other file from its folder', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/dashboard/assets/index.html' });
    expect(response.statusCode).toBe(400);
    const traversal = await api.app.inject({ method: 'GET', url: '/dashboard/assets/..%2F..%2Fserver.ts' });
    expect(traversal.statusCode).toBe(400);
  });
});
