// Drives the Interlock reviewer UI in real headless Chromium (the system's /usr/bin/chromium; playwright-core never
// downloads a browser). Usage: node approve.mjs BASE_URL TOKEN SCREENSHOT_DIR MODE [REASON]
//   MODE approve: sign in, open the queue, print {"ready":true}, wait for an item to arrive over SSE, screenshot
//                 queue and detail (laptop and phone widths), approve with REASON.
//   MODE deny:    as approve, but deny: first without a reason (refused), then with REASON; then a second, stale tab
//                 of the same page tries to approve (refused: already answered).
//   MODE audit:   sign in (an auditor), screenshot the audit page at both widths.
//   MODE hidden:  as approve up to the detail page, for a command with hidden characters: report the visible text of
//                 the queue row and the detail page, the marked escapes and the warning; answers nothing.
// Prints one JSON line per milestone on stdout; the last line is the result. Exits non-zero with {"fatal":...}.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const [base, token, shots, mode, reason = ''] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const started = Date.now();
let browser;
try {
  // A fresh temporary profile per launch (Playwright creates and removes it): no state leaks between runs.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: LAPTOP });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  const result = { mode, ms: {} };
  const mark = (name) => { result.ms[name] = Date.now() - started; };
  mark('launched');

  // Whether the page scrolls sideways at the current width (it must not on a phone).
  const overflows = (p) => p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  async function shoot(p, name, viewport) {
    await p.setViewportSize(viewport);
    await p.waitForTimeout(50);
    const file = join(shots, name + '.png');
    await p.screenshot({ path: file, fullPage: true });
    result[name + '_overflows'] = await overflows(p);
    await p.setViewportSize(LAPTOP);
    return file;
  }

  // Sign in: first a wrong token (the form comes back with a message), then the real one.
  await page.goto(base + '/');
  if (!page.url().includes('/login')) throw new Error('an unauthenticated visit did not go to /login: ' + page.url());
  await page.getByLabel('Token').fill('ilk_not-a-real-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  result.bad_login = (await page.getByRole('alert').textContent()).trim();
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  mark('signed_in');

  if (mode === 'audit') {
    await page.goto(base + '/audit');
    result.chain = (await page.locator('.flash').first().textContent()).trim();
    result.records = await page.locator('table.stack tbody tr').count();
    await shoot(page, 'audit-laptop', LAPTOP);
    await shoot(page, 'audit-phone', PHONE);
    say(result);
    process.exitCode = 0;
  } else {
    // The queue is open and live before the agent asks: the item must arrive over server-sent events.
    await page.locator('#live.on').waitFor();
    result.empty_at_start = (await page.locator('#queue tbody tr').count()) === 0;
    await page.evaluate(() => { window.interlockMarker = 1; });
    mark('ready');
    say({ ready: true });
    const row = page.locator('#queue tbody tr').first();
    await row.waitFor();
    mark('arrived');
    result.reloaded = await page.evaluate(() => window.interlockMarker !== 1);
    result.queue_row = (await row.innerText()).replace(/\s+/g, ' ').trim();
    if (mode === 'hidden') {
      // The row as the live update (server-sent event, then the fetched fragment) rendered it.
      result.queue_marks = await row.locator('mark.ctl').allInnerTexts();
      result.queue_warning = (await row.locator('.ctl-warn').allInnerTexts()).join(' ').trim();
    }
    await shoot(page, mode + '-queue-laptop', LAPTOP);
    await shoot(page, mode + '-queue-phone', PHONE);

    mark('queue_shots');
    await row.getByRole('link', { name: 'Review' }).click();
    await page.waitForURL(/\/approvals\/apr_/);
    result.detail_url = page.url();
    result.command = (await page.locator('pre.cmdline').first().textContent()).trim();
    await shoot(page, mode + '-detail-laptop', LAPTOP);
    await shoot(page, mode + '-detail-phone', PHONE);

    mark('detail_shots');
    if (mode === 'hidden') {
      // What a person sees: innerText is the rendered text (character references already turned into characters).
      result.detail_marks = await page.locator('pre.cmdline mark.ctl').allInnerTexts();
      result.banner = (await page.locator('.ctl-warn').allInnerTexts()).join(' ').trim();
      result.page_text = await page.locator('body').innerText();
      result.page_html_has_raw = await page.evaluate(() => /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u0000-\u0008\u000b-\u001f\u007f]/.test(document.body.textContent));
      await shoot(page, 'hidden-detail-laptop', LAPTOP);
      mark('done');
      say(result);
    } else if (mode === 'approve') {
      await page.getByLabel(/Reason/).fill(reason);
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.locator('.flash').waitFor();
      result.flash = (await page.locator('.flash').textContent()).trim();
    } else {
      const stale = await context.newPage();
      await stale.goto(result.detail_url);
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.locator('.flash').waitFor();
      result.deny_without_reason = (await page.locator('.flash').textContent()).trim();
      await page.getByLabel(/Reason/).fill(reason);
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.locator('.flash.ok').waitFor();
      result.flash = (await page.locator('.flash').textContent()).trim();
      await stale.getByRole('button', { name: 'Approve' }).click();
      await stale.locator('.flash').waitFor();
      result.stale_approve = (await stale.locator('.flash').textContent()).trim();
    }
    if (mode !== 'hidden') {
      result.status = (await page.locator('h1 + .b, h1 ~ .b').first().textContent()).trim();
      await shoot(page, mode + '-answered-laptop', LAPTOP);
      mark('done');
      say(result);
    }
  }
} catch (e) {
  say({ fatal: String(e && e.stack || e) });
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
}
