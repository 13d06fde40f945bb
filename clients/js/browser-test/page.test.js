// The page at / in headless Debian Chromium (playwright-core, no browser download), against a real system
// (`./tickwire run`) that the test restarts. Screenshots go to target/browser-test/ (repo root).
//   cd clients/js && npm run test:browser
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), TICKWIRE_BROWSER_ARTIFACTS (screenshot directory),
// TICKWIRE_README_SCREENSHOT (also save the README's screenshot there, e.g. ../../docs/img/page.png).

import { it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, startSystem, tempDir, testSeed } from '../test/support/gateway.js';

const seed = testSeed();
const artifacts = resolve(process.env.TICKWIRE_BROWSER_ARTIFACTS ?? join(REPO, 'target', 'browser-test'));
const temp = tempDir('browser');
let system = null;
let browser = null;

after(async () =>
{
    await browser?.close();
    await system?.stop();
    temp.remove();
});

const started = Date.now();
function phase(name)
{
    console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s: ${name}`);
}

/** Text of the page's elements by id. */
function texts(page, ids)
{
    return page.evaluate((list) => Object.fromEntries(list.map((id) => [id, document.getElementById(id)?.textContent ?? null])), ids);
}

it('shows a moving market, places an order, survives a server restart', { timeout: 240_000 }, async () =>
{
    mkdirSync(artifacts, { recursive: true });
    system = await startSystem({ dir: temp.dir, seed, rate: 400 });
    const port = system.port;
    phase('system started');
    browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        // no background traffic: this machine's network is closed, and the page must need none
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) =>
    {
        // Chromium logs a failed WebSocket connect (expected while the server restarts) as a console error
        if (message.type() === 'error' && !/WebSocket connection to .* failed/.test(message.text()))
        {
            problems.push(`console: ${message.text()}`);
        }
    });
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));

    phase('browser launched');
    await page.goto(`${system.httpUrl}?symbol=BTC-USD`);
    await page.waitForFunction(() => window.tickwire?.ready === true, null, { timeout: 30_000 });

    phase('page ready');
    // books and trades update
    const bidPrices = () => page.$$eval('#bids td.price', (cells) => cells.map((c) => c.textContent).filter((t) => t !== ''));
    await page.waitForFunction(() => document.querySelectorAll('#tape tbody tr').length >= 3 &&
        /^seq \d+$/.test(document.getElementById('book-seq').textContent), null, { timeout: 30_000 });
    assert.ok((await bidPrices()).length >= 3, 'the ladder shows bid levels');
    const first = await texts(page, ['book-seq', 'st-seq', 'st-state']);
    assert.equal(first['st-state'], 'connected');
    await page.waitForFunction((seq) => document.getElementById('book-seq').textContent !== seq &&
        window.tickwire.state.flashes > 0,
    first['book-seq'], { timeout: 30_000 });
    const tapeBefore = await page.$eval('#tape tbody', (b) => b.textContent);
    await page.waitForFunction((text) => document.querySelector('#tape tbody').textContent !== text, tapeBefore, { timeout: 30_000 });
    const tickers = await page.$$eval('#instruments tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(tickers.map((row) => row[0]), ['BTC-USD', 'ETH-USD', 'SOL-USD', 'BNB-USD']);
    await page.waitForFunction(() => [...document.querySelectorAll('#instruments tbody tr')]
        .every((row) => row.cells[2].textContent !== '' && row.cells[2].textContent !== '-'), null, { timeout: 30_000 });
    const health = await page.evaluate(() => ({
        mismatches: window.tickwire.client.stats.checksumMismatches, gaps: window.tickwire.client.stats.gaps,
        books: window.tickwire.client.stats.books, paints: window.tickwire.state.paints,
    }));
    assert.deepEqual([health.mismatches, health.gaps], [0, 0]);
    assert.ok(health.paints > 0 && health.books > 0);
    await page.screenshot({ path: join(artifacts, 'page.png') });
    if (process.env.TICKWIRE_README_SCREENSHOT !== undefined)
    {
        await page.screenshot({ path: resolve(process.env.TICKWIRE_README_SCREENSHOT) });
    }

    phase('market seen');
    // order entry: buy at the best ask (click the best ask row), seen by another screen when it trades
    const other = await context.newPage();
    await other.goto(`${system.httpUrl}?symbol=BTC-USD`);
    await other.waitForFunction(() => window.tickwire?.ready === true, null, { timeout: 30_000 });
    await other.evaluate(() =>
    {
        window.seenTrades = new Set();
        window.tickwire.client.on('trade', (t) => window.seenTrades.add(t.seq));
    });
    await page.evaluate(() =>
    {
        window.fills = [];
        window.tickwire.client.on('fill', (f) => window.fills.push(f));
    });
    // dispatched: the ladder repaints every frame, so waiting for the row to be "stable" can take long
    await page.locator('#asks tr:nth-child(10)').dispatchEvent('click');
    assert.notEqual(await page.inputValue('#order-form input[name=price]'), '', 'a click on a level sets the price');
    await page.locator('#order-submit').dispatchEvent('click');
    await page.waitForFunction(() => document.querySelector('#order-log li') !== null ||
        !document.getElementById('order-disabled').hidden, null, { timeout: 30_000 });
    const orderEntry = await page.evaluate(() => ({
        disabled: !document.getElementById('order-disabled').hidden,
        panelHidden: document.getElementById('order-panel').hidden,
        log: [...document.querySelectorAll('#order-log li')].map((li) => li.textContent),
        note: document.getElementById('order-disabled').textContent,
    }));
    if (orderEntry.disabled)
    {
        // this gateway has no order entry: the page said so and hid the panel
        assert.equal(orderEntry.panelHidden, true);
        assert.match(orderEntry.note, /not enabled/);
        console.log(`# order entry: not enabled on this gateway (${orderEntry.note})`);
    }
    else
    {
        console.log(`# order entry: ${orderEntry.log.join(' | ')}`);
        assert.match(orderEntry.log.at(-1), /^(ack|reject) #\d+/);
        if (/^ack .*filled (?!0,)/.test(orderEntry.log.at(-1)))
        {
            // the order traded: its trade reaches the other screen
            await page.waitForFunction(() => window.fills.length > 0, null, { timeout: 10_000 });
            const tradeSeq = await page.evaluate(() => window.fills[0].tradeSeq);
            await other.waitForFunction((seq) => window.seenTrades.has(seq), tradeSeq, { timeout: 10_000 });
            console.log(`# the order's trade ${tradeSeq} reached the other screen`);
        }
    }
    await other.close();

    phase('order answered');
    // restart the whole system on the same journal and port: the page reconnects and resumes
    await system.stop();
    await page.waitForFunction(() => /reconnecting|disconnected/.test(document.getElementById('st-state').textContent),
        null, { timeout: 15_000 });
    phase('system stopped, page reconnecting');
    system = await startSystem({ dir: temp.dir, seed, port, rate: 400 });
    await page.waitForFunction(() => window.tickwire.state.resumes.length > 0, null, { timeout: 60_000 });
    phase('page resumed');
    const bookSeq = await page.$eval('#book-seq', (e) => e.textContent);
    await page.waitForFunction((seq) => /^seq \d+$/.test(document.getElementById('book-seq').textContent) &&
        document.getElementById('book-seq').textContent !== seq, bookSeq, { timeout: 30_000 });
    const resumed = await page.evaluate(() => ({
        resumes: window.tickwire.state.resumes, gaps: window.tickwire.client.stats.gaps,
        mismatches: window.tickwire.client.stats.checksumMismatches,
        state: document.getElementById('st-state').textContent, gapsShown: document.getElementById('st-gaps').textContent,
    }));
    console.log(`# after the restart: ${JSON.stringify(resumed)}`);
    assert.equal(resumed.mismatches, 0);
    if (resumed.resumes.every((r) => r.recovered))
    {
        assert.deepEqual([resumed.state, resumed.gaps, resumed.gapsShown], ['resumed', 0, '0']);
    }
    else
    {
        // the gateway does not serve resume yet: the page says so and counts the trade gap it may have
        assert.equal(resumed.state, 'resumed, not recovered');
        assert.ok(resumed.gaps > 0 && resumed.gapsShown === String(resumed.gaps));
    }
    await page.screenshot({ path: join(artifacts, 'page-after-restart.png') });

    phase('after-restart checks done');
    const external = requests.filter((url) => !url.startsWith(`http://127.0.0.1:${port}/`) &&
        !url.startsWith(`ws://127.0.0.1:${port}/`) && !url.startsWith('data:'));
    assert.deepEqual(external, [], 'the page loads nothing from elsewhere');
    assert.deepEqual(problems, []);
});
