// Drives the Interlock reviewer UI in real headless Chromium (the system's /usr/bin/chromium; playwright-core never
// downloads a browser). Usage: node approve.mjs BASE_URL TOKEN SCREENSHOT_DIR MODE [REASON]
//   MODE approve: sign in, open the queue, print {"ready":true}, wait for an item to arrive over SSE, screenshot
//                 queue and detail (laptop and phone widths), approve with REASON.
//   MODE deny:    as approve, but deny: first without a reason (refused), then with REASON; then a second, stale tab
//                 of the same page tries to approve (refused: already answered).
//   MODE audit:   sign in (an auditor), screenshot the audit page at both widths.
//   MODE preview: REASON is a pending approval's id; measures its first screen at 1280x900 and 390x844 and checks the
//                 typed confirmation (browser, then server) before approving. See previewFlow.
//   MODE hidden:  as approve up to the detail page, for a command with hidden characters: report the visible text of
//                 the queue row and the detail page, the marked escapes and the warning; answers nothing.
// Prints one JSON line per milestone on stdout; the last line is the result. Exits non-zero with {"fatal":...}.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const [base, token, shots, mode, reason = ''] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LAPTOP_TALL = { width: 1280, height: 900 };

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
  // MODE preview: REASON is the id of a pending approval that carries previews. Opens it at a laptop's and a phone's
  // first screen, reports where the lost commits and the Approve button end (page coordinates, scrolled to the top),
  // then checks that Approve does nothing until the word is typed (the browser's check, then the server's), and approves.
  async function previewFlow() {
    const id = reason;
    await page.goto(base + '/');
    const row = page.locator('#queue tbody tr').first();
    await row.waitFor();
    result.queue_row = (await row.innerText()).replace(/\s+/g, ' ').trim();
    await shoot(page, 'preview-queue-laptop', LAPTOP);
    await shoot(page, 'preview-queue-phone', PHONE);
    await page.goto(base + '/approvals/' + id);
    for (const [name, viewport] of [['laptop', LAPTOP_TALL], ['phone', PHONE]]) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(50);
      const boxes = await page.evaluate(() => {
        const bottom = (e) => e.getBoundingClientRect().bottom + window.scrollY;
        const items = [...document.querySelectorAll('.preview ul.items li')];
        const approve = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Approve');
        return {
          items: items.map((li) => li.innerText.replace(/\s+/g, ' ').trim()),
          items_bottom: Math.max(...items.map(bottom)),
          // The list may scroll inside itself: every item must also be inside the list's visible box.
          items_clipped: items.some((li) => li.getBoundingClientRect().bottom > li.parentElement.getBoundingClientRect().bottom + 1),
          approve_bottom: approve ? bottom(approve) : null,
          headline: document.querySelector('.preview .headline').innerText.trim(),
          blast: document.querySelector('dl.blast').innerText.replace(/\s+/g, ' ').trim(),
          incomplete: [...document.querySelectorAll('.incomplete-note')].map((e) => e.innerText.trim()),
          metadata_top: document.querySelector('.meta').getBoundingClientRect().top + window.scrollY,
          viewport_height: window.innerHeight,
        };
      });
      result[name] = boxes;
      result[name + '_overflows'] = await overflows(page);
      await page.screenshot({ path: join(shots, 'preview-detail-' + name + '-first-screen.png') });
      await page.screenshot({ path: join(shots, 'preview-detail-' + name + '.png'), fullPage: true });
    }
    await page.setViewportSize(LAPTOP_TALL);
    const approve = page.getByRole('button', { name: 'Approve' });
    const confirm = page.locator('#confirm');
    const word = (await page.locator('code.word').textContent()).trim();
    result.word = word;
    // The browser holds the form: nothing is sent with the field empty or wrong.
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    await approve.click();
    result.empty_message = await confirm.evaluate((e) => e.validationMessage);
    await confirm.fill(word.slice(0, -1));
    await approve.click();
    result.wrong_message = await confirm.evaluate((e) => e.validationMessage);
    await page.waitForTimeout(200);
    result.posts_while_blocked = posts.length;
    result.flash_while_blocked = await page.locator('.flash').count();
    // A page scripted around the browser's check: the server refuses the same.
    await confirm.evaluate((e) => { e.removeAttribute('required'); e.removeAttribute('pattern'); });
    await approve.click();
    await page.locator('.flash').waitFor();
    result.server_refusal = (await page.locator('.flash').textContent()).trim();
    result.status_after_refusal = (await page.locator('h1 ~ .b').first().textContent()).trim();
    await page.locator('#confirm').fill(word);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.flash.ok').waitFor();
    result.flash = (await page.locator('.flash').textContent()).trim();
    result.status = (await page.locator('h1 ~ .b').first().textContent()).trim();
    say(result);
  }

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
  } else if (mode === 'preview') {
    await previewFlow();
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
      // An irreversible or critical action asks for a typed word first.
      const confirm = page.locator('#confirm');
      if (await confirm.count()) await confirm.fill((await page.locator('code.word').textContent()).trim());
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
      const staleConfirm = stale.locator('#confirm');
      if (await staleConfirm.count()) await staleConfirm.fill((await stale.locator('code.word').textContent()).trim());
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
