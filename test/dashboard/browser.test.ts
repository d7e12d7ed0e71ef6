/**
 * The dashboard in a real browser (playwright-core driving the distribution's Chromium)
 * against the real stack: the API listening with API_TOKEN, the real pipeline workflow
 * on a Worker, and the emulator. A pipeline replays the taxi sample at 1800× into one
 * shard, so it scales while the pages are open. Screenshots go to
 * DASHBOARD_SCREENSHOTS_DIR (default .data/screenshots; `npm run screenshots` writes docs/screenshots).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ListDashboardsCommand } from '@aws-sdk/client-cloudwatch';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { loadConfig } from '../../config/index.js';
import { terminateAllOn } from '../api/support/app.js';
import { startScalingE2E, type ScalingE2E } from '../e2e/scaling-harness.js';
import { findChromium } from '../support/chromium.js';
import { temporalAddress, temporalNamespace } from '../support/temporal.js';

const TOKEN = `browser-${randomBytes(6).toString('hex')}`;
const SUFFIX = randomBytes(2).toString('hex');
const REPLAYING = `taxi-${SUFFIX}`;
const FROM_FORM = `form-${SUFFIX}`;
const RATE = 600;
const SHOTS = resolve(process.env.DASHBOARD_SCREENSHOTS_DIR ?? '.data/screenshots');

let e2e: ScalingE2E;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let page: Page;

/** The parts of API answers this test reads. */
interface Answer {
  phase?: string;
  activeAction?: unknown;
  capacity?: { shards: number; parallelism: number };
  autoscaling?: { policy: string };
}

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: Answer | null }> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last ${JSON.stringify(last)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const shot = (name: string, fullPage = false) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  e2e = await startScalingE2E({ kinesis: { limitsEnabled: true } });
  const config = loadConfig({
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: temporalNamespace(),
    TEMPORAL_TASK_QUEUE: e2e.taskQueue,
    AWS_ENDPOINT_URL: e2e.cloud.emulator.url,
    API_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
  });
  app = await buildApp({ config, temporalClient: e2e.client, callTimeoutMs: 10_000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('API has no port');
  base = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

  const created = await call('POST', '/pipelines', {
    id: REPLAYING,
    stream: { shardCount: 1 },
    application: { parallelism: 1, properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: String(RATE) } } },
    replay: { source: 'sample', speedup: 1800 },
    scaling: {
      policy: 'article-step', intervalSeconds: 1, periodSeconds: 1, cooldownSeconds: 3, settleTimeoutSeconds: 10, verifyTimeoutSeconds: 4,
      parameters: { recordsPerSecondPerParallelism: RATE },
      limits: { minShards: 1, maxShards: 4, minParallelism: 1, maxParallelism: 8, maxKpus: 64 },
    },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  for (const id of [REPLAYING, FROM_FORM]) await call('DELETE', `/pipelines/${id}`).catch(() => undefined);
  if (e2e) await terminateAllOn(e2e.client, e2e.taskQueue).catch(() => undefined);
  await app?.close();
  await e2e?.close();
});

describe('the dashboard in Chromium, against a pipeline that replays and scales on the emulator', () => {
  it('asks for the token, then lists the pipeline with its capacity, demand and autoscaling; the phase filter narrows the list', { timeout: 90_000 }, async () => {
    await until('the pipeline to run', () => call('GET', `/pipelines/${REPLAYING}`), (r) => r.json?.phase === 'RUNNING', 60_000);
    await page.goto(`${base}/dashboard`);
    await page.locator('#token-input').waitFor({ state: 'visible' });
    expect(await page.content()).not.toContain(TOKEN);
    await page.fill('#token-input', TOKEN);
    await page.press('#token-input', 'Enter');

    const row = page.locator(`tr[data-pipeline="${REPLAYING}"]`);
    await row.waitFor();
    await expect.poll(async () => row.locator('td').nth(4).innerText(), { timeout: 30_000 }).toMatch(/^[1-9][\d,]*$/);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[1]).toMatch(/RUNNING|SCALING/);
    expect(cells[2]).toMatch(/^\d+$/);
    expect(cells[3]).toMatch(/^\d+ \/ \d+ KPU$/);
    expect(cells[6]).toBe('article-step · on');
    expect(await row.locator('a', { hasText: 'Temporal' }).getAttribute('href')).toContain(`/workflows/pipeline-${REPLAYING}`);

    await page.selectOption('#phase-filter', 'FAILED');
    await expect.poll(() => page.locator(`tr[data-pipeline="${REPLAYING}"]`).count(), { timeout: 15_000 }).toBe(0);
    await page.selectOption('#phase-filter', '');
    await row.waitFor();
  });

  it('creates a pipeline from the form, showing the API\'s field error at the field first', { timeout: 90_000 }, async () => {
    await page.fill('#create-id', FROM_FORM);
    await page.fill('#create-shards', '20000');
    await page.fill('#create-parallelism', '1');
    await page.selectOption('#create-policy', 'none');
    await page.click('#create-form button[type=submit]');
    const error = page.locator('label:has(#create-shards) .field-error');
    await error.waitFor();
    expect(await error.innerText()).toBe('must be <= 10000');
    expect(await page.getAttribute('#create-shards', 'aria-invalid')).toBe('true');
    await shot('dashboard-create-error');

    await page.fill('#create-shards', '2');
    await page.click('#create-form button[type=submit]');
    await expect.poll(() => page.locator('#create-result').innerText(), { timeout: 15_000 }).toBe(`Created ${FROM_FORM}`);
    expect(await page.locator('.field-error').count()).toBe(0);
    await page.locator(`tr[data-pipeline="${FROM_FORM}"]`).waitFor({ timeout: 30_000 });
    const status = await until('the form\'s pipeline to run', () => call('GET', `/pipelines/${FROM_FORM}`), (r) => r.json?.phase === 'RUNNING', 60_000);
    expect(status.json?.capacity).toMatchObject({ shards: 2, parallelism: 1 });
    expect(status.json?.autoscaling?.policy).toBe('none');
  });

  it('shows the pipeline page with charts that have points, the hot-spot map with counted cells, and the scaling it does', { timeout: 150_000 }, async () => {
    await page.goto(`${base}/dashboard/${REPLAYING}`);
    const demand = page.locator('#capacity-chart path[data-series="IncomingRecords/s (demand)"]');
    await expect.poll(async () => Number(await demand.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(3);
    await expect.poll(async () => Number(await page.locator('#lag-chart path.series').first().getAttribute('data-points')), { timeout: 30_000 })
      .toBeGreaterThan(3);

    const cells = page.locator('#hotspot-map rect.cell');
    await expect.poll(() => cells.count(), { timeout: 60_000 }).toBeGreaterThan(10);
    const counts = await cells.evaluateAll((els) => els.map((el) => [el.getAttribute('data-geohash'), Number(el.getAttribute('data-count'))]));
    for (const [geohash, count] of counts) {
      expect(geohash).toMatch(/^dr[0-9b-hjkmnp-z]{5}$/);
      expect(count).toBeGreaterThan(0);
    }
    const top = await page.locator('#hotspot-top tr').first().getAttribute('data-count');
    expect(Number(top)).toBe(Math.max(...counts.map(([, c]) => c as number)));

    // The replay's peak exceeds one shard: the policy reshards while the page is open.
    await expect.poll(async () => page.locator('#history tr[data-source="policy"][data-kind="verification"]').count(), { timeout: 120_000 })
      .toBeGreaterThan(0);
    // …and its resharding counts against the day's UpdateShardCount budget.
    await expect.poll(() => page.locator('#shard-budget .value').innerText(), { timeout: 120_000 }).toMatch(/^[1-9]\d* of 10$/);
    expect(await page.locator('#links').innerText()).toContain('pipeline workflow');
    const listed = await e2e.cloud.cloudwatch.send(new ListDashboardsCommand({ DashboardNamePrefix: `shardpilot-${REPLAYING}` }));
    expect(listed.DashboardEntries?.map((d) => d.DashboardName)).toEqual([`shardpilot-${REPLAYING}`]);
    await shot('dashboard-pipeline');
    await page.locator('#hotspot-title').scrollIntoViewIfNeeded();
    await page.locator('#hotspot-title').evaluate((el) => el.closest('section')?.scrollIntoView());
    await page.locator('#hotspot-body .hotspots').screenshot({ path: `${SHOTS}/dashboard-hotspots.png` });
  });

  it('triggers an override from the page and shows it in the timeline', { timeout: 150_000 }, async () => {
    // The replay keeps the policy busy: an override that meets a policy action is refused (the pipeline is
    // SCALING, or "try again when it has finished"), and an action finishing between the read and the click
    // can make the chosen target the current capacity ("already has"). Retry with a target chosen from a
    // fresh read, as a person would.
    const answers: string[] = [];
    for (let attempt = 0; attempt < 20 && !answers.some((a) => a.startsWith('Scale: ')); attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 2_000));
      const before = await until('no action under way', () => call('GET', `/pipelines/${REPLAYING}`), (r) => r.json?.activeAction === null && r.json?.phase === 'RUNNING', 60_000);
      const current = before.json?.capacity?.parallelism ?? 1;
      await page.fill('#scale-parallelism', String(current < 8 ? current + 1 : current - 1));
      await page.locator('#action-result').evaluate((el) => { el.textContent = ''; });
      await page.click('#scale-form button[type=submit]');
      await expect.poll(() => page.locator('#action-result').innerText(), { timeout: 20_000 }).toMatch(/^Scale(:| refused:) /);
      const answer = await page.locator('#action-result').innerText();
      answers.push(answer);
      if (!answer.startsWith('Scale: ') && !/already under way|the pipeline is SCALING|already has/.test(answer)) break;
    }
    expect(answers.at(-1), answers.join(' | ')).toMatch(/^Scale: /);
    // The override row itself carries the reason; by the time the page refreshes, the verification row may already sit above it.
    const override = page.locator('#history tr[data-source="override"][data-kind="override"]').first();
    await override.waitFor({ timeout: 30_000 });
    expect(await override.innerText()).toContain('manual override from the dashboard');
  });

  it('stays readable in a narrow window', { timeout: 60_000 }, async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    await page.goto(`${base}/dashboard`);
    await page.locator(`tr[data-pipeline="${REPLAYING}"]`).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('dashboard-list-narrow');
    // Charts are drawn at the width they are shown at, so their axis labels stay readable on a phone.
    await page.goto(`${base}/dashboard/${REPLAYING}`);
    const tick = page.locator('#capacity-chart svg text').first();
    await tick.waitFor();
    const rendered = await tick.evaluate((el) => el.getBoundingClientRect().height);
    expect(rendered, 'height in px of a capacity chart label at 420 px wide').toBeGreaterThanOrEqual(11);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/dashboard`);
    await page.locator(`tr[data-pipeline="${REPLAYING}"]`).waitFor();
    await shot('dashboard-list');
  });
});
