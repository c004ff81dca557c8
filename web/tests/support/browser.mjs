// Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own).
// Each context is a fresh profile; the pages' errors and CSP violations are collected so that a
// test can assert there were none.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO } from './nubed.mjs';

export const CHROMIUM = process.env.NUBE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTEFACTS = join(REPO, 'web/test-results');
export const DESKTOP = { width: 1280, height: 720 };
export const PHONE = { width: 375, height: 740 };

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} does not exist: install Debian's chromium (scripts/install-deps.sh does).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Collects what went wrong on a page: uncaught errors and Content-Security-Policy refusals. */
export function watchPage(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  return problems;
}

/** A screenshot kept as a test artefact (web/test-results, git-ignored). */
export async function keepScreenshot(page, name) {
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`) });
}

/** Marks the page, so that a test can tell it was not reloaded since. */
export const markPage = (page) => page.evaluate(() => { window.nubeTestMark = 'not reloaded'; });
export const stillMarked = (page) => page.evaluate(() => window.nubeTestMark === 'not reloaded');
