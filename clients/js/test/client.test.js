// The client against a real gateway (`./tickwire run` started by the test), directly and through proxies
// that cut, freeze, refuse, drop and corrupt.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { TickwireClient, TickwireError } from '../src/tickwire.js';
import { startSystem, tempDir, waitFor, seededRandom, testSeed, journalTrades } from './support/gateway.js';
import { BreakableProxy } from './support/proxy.js';
import { Recorder, compareWithJournal } from './support/recorder.js';

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'BNB-USD'];
const seed = testSeed();

/** Fast timings for tests; the random source is seeded. */
function testOptions(extra = {})
{
    return {
        initialDelayMs: 50, maxDelayMs: 400, requestTimeoutMs: 3_000, heartbeatTimeoutMs: 3_000,
        random: seededRandom(seed), ...extra,
    };
}

async function freePortWithNothingListening()
{
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    return port;
}

describe('TickwireClient against a real gateway', { timeout: 300_000 }, () =>
{
    let temp;
    let system;
    const clients = [];
    const proxies = [];

    const client = (urls, options) =>
    {
        const c = new TickwireClient(urls, testOptions(options));
        clients.push(c);
        return c;
    };
    const proxy = async () =>
    {
        const p = new BreakableProxy(() => system.port);
        await p.listen();
        proxies.push(p);
        return p;
    };

    before(async () =>
    {
        temp = tempDir('js-client');
        system = await startSystem({ dir: temp.dir, seed });
    }, { timeout: 300_000 });

    after(async () =>
    {
        clients.forEach((c) => c.close());
        await Promise.all(proxies.map((p) => p.close()));
        await system?.stop();
        temp?.remove();
    });

    it('subscribes, keeps verified books, and delivers trades and tickers with unbroken chains', { timeout: 60_000 }, async () =>
    {
        const c = client(system.url);
        const r = new Recorder(c);
        await c.connect();
        const instruments = await c.instruments();
        assert.deepEqual(instruments.map((i) => i.symbol), SYMBOLS);
        const subscribed = await c.subscribe('trades', SYMBOLS);
        assert.equal(subscribed.type, 'subscribed');
        assert.deepEqual(subscribed.symbols, SYMBOLS);
        await c.subscribe('book', ['BTC-USD', 'ETH-USD'], { depth: 10 });
        await c.subscribe('ticker', SYMBOLS);
        await waitFor(() => r.bookEvents >= 50 && [...r.trades.values()].flat().length >= 20 && r.tickers.size === 4,
            30_000, '50 book events, 20 trades and 4 tickers');
        const pong = await c.ping();
        assert.ok(pong.seq >= subscribed.seq && pong.rttMs >= 0);
        r.assertConsistent();
        assert.deepEqual({ gaps: r.gaps, errors: r.errorCodes(), mismatches: c.stats.checksumMismatches },
            { gaps: [], errors: [], mismatches: 0 });
        const book = c.book('BTC-USD');
        assert.ok(book.bids().length <= 10 && book.asks().length <= 10 && book.bids().length > 0);
        assert.equal(book.stale, false);
        const journal = await journalTrades(join(temp.dir, 'journal'));
        const lastSeen = Math.min(...SYMBOLS.map((s) => c.streamSeq('trades', s)));
        const compared = compareWithJournal(r, journal, SYMBOLS, new Map(SYMBOLS.map((s) => [s, subscribed.seq])), lastSeen);
        assert.deepEqual(compared.missing, [], 'no trade missing on an undisturbed connection');
        assert.ok(compared.delivered > 0);
        c.close();
    });

    it('runs the README example against the gateway', { timeout: 60_000 }, async () =>
    {
        const { stdout } = await promisify(execFile)(process.execPath,
            ['examples/book.js', `${system.url}`, 'ETH-USD', '--seconds', '3'], { timeout: 30_000 });
        assert.match(stdout, /^status open ws:\/\/127\.0\.0\.1:\d+\/stream$/m);
        assert.match(stdout, /^instruments BTC-USD ETH-USD SOL-USD BNB-USD$/m);
        assert.match(stdout, /^book ETH-USD seq \d+ checksum ok \| bids .+ \| asks .+$/m);
        assert.match(stdout, /"checksumMismatches":0/);
        assert.doesNotMatch(stdout, /^(gap|error) /m);
    });

    it('answers requests by id: errors reject with the server code and leave nothing subscribed', { timeout: 30_000 }, async () =>
    {
        const c = client(system.url);
        const r = new Recorder(c);
        await c.connect();
        await assert.rejects(c.subscribe('book', ['BTC-USD', 'DOGE-USD']),
            (e) => e instanceof TickwireError && e.code === 'UNKNOWN_SYMBOL' && /DOGE-USD/.test(e.message));
        assert.equal(c.book('BTC-USD'), undefined);
        assert.equal(c.streamSeq('book', 'DOGE-USD'), null);
        await assert.rejects(c.request({ op: 'frobnicate' }), (e) => e.code === 'UNKNOWN_OP');
        await assert.rejects(c.subscribe('book', ['BTC-USD'], { depth: 1000 }), (e) => e.code === 'BAD_REQUEST');
        await assert.rejects(c.resync('book', ['BTC-USD']), (e) => e.code === 'NOT_SUBSCRIBED');
        await c.subscribe('book', ['BTC-USD'], { depth: 3 });
        const before = c.stats.books;
        await c.resync('book', ['BTC-USD']);
        assert.ok(c.stats.books > before, 'a resync delivers a fresh snapshot');
        assert.ok(c.book('BTC-USD').bids().length <= 3);
        await c.unsubscribe('book', ['BTC-USD']);
        assert.equal(c.book('BTC-USD'), undefined);
        r.assertConsistent();
        assert.deepEqual(r.gaps, []);
        c.close();
        await assert.rejects(c.ping(), (e) => e.code === 'NOT_CONNECTED');
    });

    it('fails over along the URL list and resumes on the next gateway', { timeout: 60_000 }, async () =>
    {
        const dead = `ws://127.0.0.1:${await freePortWithNothingListening()}/stream`;
        const a = await proxy();
        const b = await proxy();
        const c = client([dead, a.url, b.url]);
        const r = new Recorder(c);
        await c.connect();
        assert.equal(c.url, a.url, 'the dead URL was skipped');
        const subscribed = await c.subscribe('trades', SYMBOLS);
        await c.subscribe('book', ['ETH-USD']);
        await waitFor(() => c.stats.trades >= 5, 20_000, 'trades through proxy a');
        a.refuse();
        a.cut();
        await waitFor(() => r.statuses.some((s) => s.state === 'resumed'), 20_000, 'resumed on b');
        assert.equal(c.url, b.url);
        assert.equal(b.open, 1);
        const opened = r.statuses.filter((s) => s.state === 'open').map((s) => s.url);
        assert.deepEqual(opened, [a.url, b.url]);
        const before = c.stats.trades;
        await waitFor(() => c.stats.trades >= before + 5 && c.stats.books > 0, 20_000, 'trades through proxy b');
        r.assertConsistent();
        const journal = await journalTrades(join(temp.dir, 'journal'));
        const to = Math.min(...SYMBOLS.map((s) => c.streamSeq('trades', s)));
        compareWithJournal(r, journal, SYMBOLS, new Map(SYMBOLS.map((s) => [s, subscribed.seq])), to);
        c.close();
    });

    it('resumes every stream after injected disconnects: no duplicate, every lost trade reported', { timeout: 90_000 }, async () =>
    {
        const p = await proxy();
        const c = client(p.url);
        const r = new Recorder(c);
        const truth = new Recorder(client(system.url));
        await Promise.all([c.connect(), truth.client.connect()]);
        await truth.client.subscribe('book', ['BTC-USD'], { depth: 10 });
        const subscribed = await c.subscribe('trades', SYMBOLS);
        await c.subscribe('book', ['BTC-USD', 'SOL-USD'], { depth: 10 });
        await c.subscribe('ticker', SYMBOLS);
        const rounds = [];
        c.on('status', (s) =>
        {
            if (s.state === 'resumed')
            {
                rounds.push(s);
            }
        });
        const random = seededRandom(seed + 1);
        for (let cut = 0; cut < 3; cut++)
        {
            const trades = c.stats.trades;
            await waitFor(() => c.stats.trades >= trades + 3, 20_000, 'trades before a cut');
            await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 300)));
            p.cut();
            await waitFor(() => rounds.length === cut + 1, 20_000, `resume ${cut + 1}`);
        }
        const trades = c.stats.trades;
        await waitFor(() => c.stats.trades >= trades + 5 && !c.book('BTC-USD').stale, 20_000, 'trades after the last resume');
        r.assertConsistent();
        truth.assertConsistent();
        // every resume was answered; what the server could recover decides what the client may report
        const recovered = rounds.every((s) => s.recovered);
        console.log(`# resumes: ${JSON.stringify(rounds.map((s) => ({ recovered: s.recovered, restarted: s.streamsRestarted })))}`);
        const journal = await journalTrades(join(temp.dir, 'journal'));
        const to = Math.min(...SYMBOLS.map((s) => c.streamSeq('trades', s)));
        const compared = compareWithJournal(r, journal, SYMBOLS, new Map(SYMBOLS.map((s) => [s, subscribed.seq])), to);
        if (recovered)
        {
            assert.deepEqual({ gaps: r.gaps, missing: compared.missing }, { gaps: [], missing: [] },
                'a recovered resume delivers every trade once');
        }
        else
        {
            // the gateway answered recovered:false: each trades stream restarted at the reply seq and said so
            const restartedTrades = r.gaps.filter((g) => g.channel === 'trades' && /not recovered/.test(g.reason));
            assert.ok(restartedTrades.length > 0, 'a restarted trades stream reports a gap');
            assert.deepEqual(r.gaps.filter((g) => !/not recovered/.test(g.reason)), [], 'no other gap');
            console.log(`# recovered:false: ${compared.missing.length} journal trades not delivered, all inside gap events`);
        }
        // the proxied book, resumed or restarted, equals the direct client's at every seq both saw
        const mine = r.bookTexts.get('BTC-USD');
        let common = 0;
        for (const [seq, text] of truth.bookTexts.get('BTC-USD'))
        {
            if (mine.has(seq))
            {
                assert.equal(mine.get(seq), text, `BTC-USD book at ${seq}`);
                common++;
            }
        }
        assert.ok(common > 10, `books compared at ${common} seqs`);
        assert.equal(c.stats.checksumMismatches, 0);
        c.close();
        truth.client.close();
    });

    it('reconnects when the heartbeat stops, and times requests out', { timeout: 60_000 }, async () =>
    {
        const p = await proxy();
        const c = client(p.url, { heartbeatTimeoutMs: 1_500, requestTimeoutMs: 500 });
        const r = new Recorder(c);
        await c.connect();
        await c.subscribe('ticker', SYMBOLS);
        await waitFor(() => r.tickers.size === 4, 10_000, 'tickers');
        p.freeze();
        const started = Date.now();
        await assert.rejects(c.ping(), (e) => e.code === 'TIMEOUT');
        await waitFor(() => r.errorCodes().includes('HEARTBEAT_TIMEOUT'), 10_000, 'the watchdog');
        const noticedMs = Date.now() - started;
        assert.ok(noticedMs >= 1_400 && noticedMs < 4_000, `watchdog fired after ${noticedMs} ms`);
        await waitFor(() => r.statuses.some((s) => s.state === 'resumed'), 10_000, 'resumed after the watchdog');
        assert.equal(p.accepted, 2);
        const pong = await c.ping();
        assert.ok(pong.seq > 0);
        r.assertConsistent();
        c.close();
    });

    it('detects a corrupted book message by its checksum and repairs that book alone by resync', { timeout: 60_000 }, async () =>
    {
        const p = await proxy();
        const c = client(p.url);
        const r = new Recorder(c);
        const truth = new Recorder(client(system.url));
        await Promise.all([c.connect(), truth.client.connect()]);
        await truth.client.subscribe('book', ['BTC-USD', 'ETH-USD'], { depth: 10 });
        await c.subscribe('book', ['BTC-USD', 'ETH-USD'], { depth: 10 });
        let corrupted = null;
        let deltas = 0;
        p.rewrite = (text) =>
        {
            if (corrupted !== null || !text.startsWith('{"type":"book","symbol":"BTC-USD"') || text.includes('"snapshot":true'))
            {
                return text;
            }
            const message = JSON.parse(text);
            if (++deltas < 5 || message.bids.length === 0)
            {
                return text;
            }
            // one more lot at the first changed bid level: well-formed, plausible, wrong
            const [price, qty] = message.bids[0];
            message.bids[0] = [price, qty === '0' ? '1' : qty + (qty.includes('.') ? '1' : '.5')];
            corrupted = message.seq;
            return JSON.stringify(message);
        };
        await waitFor(() => corrupted !== null, 20_000, 'a corrupted BTC-USD delta');
        await waitFor(() => c.stats.resyncs === 1 && !c.book('BTC-USD').stale, 10_000, 'the resync snapshot');
        const events = c.stats.books;
        await waitFor(() => c.stats.books >= events + 20, 20_000, 'book events after the repair');
        const mismatches = r.errors.filter((e) => e.code === 'CHECKSUM_MISMATCH');
        assert.deepEqual(mismatches.map((e) => [e.detail.symbol, e.detail.seq]), [['BTC-USD', corrupted]]);
        assert.deepEqual(r.errors.filter((e) => e.code !== 'CHECKSUM_MISMATCH'), []);
        assert.deepEqual(r.gaps, []);
        r.assertConsistent();
        const truthTexts = truth.bookTexts.get('BTC-USD');
        // The corrupted state was never delivered: a view at that seq exists only if the resync snapshot came
        // before any later book change (its seq is then the same), and it must then be the true book.
        const atCorrupted = r.bookHistory.filter((e) => e.symbol === 'BTC-USD' && e.seq === corrupted);
        if (atCorrupted.length > 0)
        {
            await waitFor(() => truthTexts.has(corrupted), 10_000, 'the true book at the corrupted seq');
            for (const e of atCorrupted)
            {
                assert.equal(e.text, truthTexts.get(corrupted), 'the corrupted state was never delivered');
            }
        }
        let after = 0;
        for (const [seq, text] of r.bookTexts.get('BTC-USD'))
        {
            if (truthTexts.has(seq))
            {
                assert.equal(text, truthTexts.get(seq), `BTC-USD at ${seq}`);
                after += seq > corrupted ? 1 : 0;
            }
        }
        assert.ok(after > 5, `compared ${after} books after the repair`);
        c.close();
        truth.client.close();
    });

    it('detects a dropped message by its prev: a book gap resyncs, a trade gap is reported exactly', { timeout: 60_000 }, async () =>
    {
        const p = await proxy();
        const c = client(p.url);
        const r = new Recorder(c);
        await c.connect();
        await c.subscribe('book', ['ETH-USD'], { depth: 5 });
        await c.subscribe('trades', SYMBOLS);
        let droppedBook = null;
        let droppedTrade = null;
        let books = 0;
        let trades = 0;
        p.rewrite = (text) =>
        {
            if (droppedBook === null && text.startsWith('{"type":"book","symbol":"ETH-USD"') && ++books === 5)
            {
                droppedBook = JSON.parse(text).seq;
                return null;
            }
            if (droppedTrade === null && text.startsWith('{"type":"trade"') && ++trades === 5)
            {
                droppedTrade = JSON.parse(text);
                return null;
            }
            return text;
        };
        await waitFor(() => droppedBook !== null && c.stats.resyncs === 1 && !c.book('ETH-USD').stale &&
            r.gaps.some((g) => g.channel === 'trades'), 20_000, 'a dropped book message and trade, and the resync');
        const tradeGap = r.gaps.find((g) => g.channel === 'trades');
        assert.deepEqual([tradeGap.symbol, tradeGap.to], [droppedTrade.symbol, droppedTrade.seq]);
        assert.equal(tradeGap.from, droppedTrade.prev);
        const bookGap = r.gaps.find((g) => g.channel === 'book');
        assert.equal(bookGap.to, droppedBook);
        assert.deepEqual(r.gaps.map((g) => g.channel).sort(), ['book', 'trades']);
        const events = c.stats.books;
        await waitFor(() => c.stats.books >= events + 5, 20_000, 'book events after the repair');
        r.assertConsistent();
        assert.equal(c.stats.checksumMismatches, 0);
        c.close();
    });
});
