/**
 * Screenshots of the running local stack (`npm run start:local`) for the README: the demo
 * pipeline's calibration panel and its workflow in the Temporal UI. Start a calibration
 * first (README "Calibrate"); the panel is shot once it has finished.
 * Usage: npm run screenshots:stack [-- pipelineId]   (writes docs/screenshots/stack-*.png)
 */
import { chromium } from 'playwright-core';
import { findChromium } from '../test/support/chromium.js';

const API = process.env.API_URL ?? 'http://127.0.0.1:3000';
const UI = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
const OUT = process.env.SCREENSHOTS_DIR ?? 'docs/screenshots';
const id = process.argv[2] ?? 'demo';

const calibration = await fetch(`${API}/pipelines/${id}/calibration`);
if (!calibration.ok) throw new Error(`GET /pipelines/${id}/calibration answered ${calibration.status}: start one first (README "Calibrate")`);
const { finishedAt } = (await calibration.json()) as { finishedAt: string | null };
if (!finishedAt) throw new Error(`the calibration of ${id} has not finished yet: run this again when it has`);

const browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${API}/dashboard/${id}`);
  await page.locator('#calibration-steps tr').first().waitFor();
  await page.locator('#calibration-panel').screenshot({ path: `${OUT}/stack-calibration.png` });
  await page.goto(`${UI}/namespaces/default/workflows/pipeline-${id}`);
  await page.getByText('Event History').first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${OUT}/stack-temporal-ui.png` });
  console.log(`wrote ${OUT}/stack-calibration.png and ${OUT}/stack-temporal-ui.png`);
} finally {
  await browser.close();
}
