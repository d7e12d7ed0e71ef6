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

  it('serves every module the page imports, the style and the borough outline with their content types', async () => {
    const entry = await api.app.inject({ method: 'GET', url: '/dashboard/assets/dashboard.js' });
    expect(entry.headers['content-type']).toMatch(/^text\/javascript/);
    // Every relative import of every module resolves to an asset the API serves.
    const pending = ['dashboard.js'];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const js = await api.app.inject({ method: 'GET', url: `/dashboard/assets/${name}` });
      expect(js.statusCode, name).toBe(200);
      expect(js.headers['content-type']).toMatch(/^text\/javascript/);
      for (const match of js.body.matchAll(/from '\.\/([\w-]+\.js)'/g)) pending.push(match[1] as string);
    }
    expect([...seen]).toEqual(expect.arrayContaining(['pipeline-page.js', 'hotspot-map.js', 'create-form.js', 'list-page.js']));
    const css = await api.app.inject({ method: 'GET', url: '/dashboard/assets/dashboard.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const outline = await api.app.inject({ method: 'GET', url: '/dashboard/assets/nyc-outline.json' });
    const names = (outline.json() as { features: Array<{ properties: { name: string } }> }).features.map((f) => f.properties.name);
    expect(names).toEqual(expect.arrayContaining(['Manhattan', 'Brooklyn', 'Queens', 'Bronx', 'Staten Island', 'JFK', 'LGA']));
  });

  it('never contains the API token, even when one is configured', async () => {
    const secured = await startTestApi({ env: { API_TOKEN: 'sekret-token-123' } });
    try {
      for (const url of ['/dashboard', '/dashboard/x', '/dashboard/assets/api-client.js', '/dashboard/assets/dashboard.js']) {
        const response = await secured.app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(200);
        expect(response.body).not.toContain('sekret-token-123');
      }
    } finally {
      await secured.close();
    }
  });

  it('serves no other file from its folder', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/dashboard/assets/index.html' });
    expect(response.statusCode).toBe(400);
    const traversal = await api.app.inject({ method: 'GET', url: '/dashboard/assets/..%2F..%2Fserver.ts' });
    expect(traversal.statusCode).toBe(400);
  });
});
