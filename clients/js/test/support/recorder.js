// Records what a TickwireClient delivers and checks every book event against an independent naive book.

import assert from 'node:assert/strict';
import { canonicalDecimal, crc32, parseDecimal } from '../../src/tickwire.js';

function naiveApply(side, levels)
{
    for (const [price, qty] of levels)
    {
        const key = canonicalDecimal(price);
        if (parseDecimal(qty) === 0n)
        {
            side.delete(key);
        }
        else
        {
            side.set(key, canonicalDecimal(qty));
        }
    }
}

function naiveText(book)
{
    const side = (map, descending) => [...map.entries()]
        .sort((a, b) =>
        {
            const x = parseDecimal(a[0]);
            const y = parseDecimal(b[0]);
            return x === y ? 0 : (x < y) === descending ? 1 : -1;
        })
        .map(([price, qty]) => `${price}:${qty}`).join(',');
    return side(book.bids, true) + '|' + side(book.asks, false);
}

/**
 * Listens to a client and keeps: trades per symbol, gap events, errors, status events, and for every book
 * event the checksum text by seq, after checking that a naive book built from the events' own levels equals
 * the client's book and matches the server's checksum.
 */
export class Recorder
{
    constructor(client)
    {
        this.client = client;
        this.trades = new Map();
        this.tickers = new Map();
        this.gaps = [];
        this.errors = [];
        this.statuses = [];
        this.bookTexts = new Map();
        this.bookHistory = []; // every book event as delivered: { symbol, seq, text }, several per seq possible
        this.naive = new Map();
        this.bookEvents = 0;
        this.bookFailures = [];
        client.on('trade', (t) =>
        {
            if (!this.trades.has(t.symbol))
            {
                this.trades.set(t.symbol, []);
            }
            this.trades.get(t.symbol).push(t);
        });
        client.on('ticker', (t) => this.tickers.set(t.symbol, t));
        client.on('gap', (g) => this.gaps.push(g));
        client.on('error', (e) => this.errors.push(e));
        client.on('status', (s) => this.statuses.push(s));
        client.on('book', (event) => this.onBook(event));
    }

    onBook(event)
    {
        this.bookEvents++;
        let naive = this.naive.get(event.symbol);
        if (naive === undefined || event.snapshot)
        {
            naive = { bids: new Map(), asks: new Map() };
            this.naive.set(event.symbol, naive);
        }
        naiveApply(naive.bids, event.bids);
        naiveApply(naive.asks, event.asks);
        const text = naiveText(naive);
        if (text !== event.book.checksumText() || crc32(text) !== event.checksum)
        {
            this.bookFailures.push({ seq: event.seq, symbol: event.symbol, naive: text, client: event.book.checksumText() });
        }
        if (!this.bookTexts.has(event.symbol))
        {
            this.bookTexts.set(event.symbol, new Map());
        }
        this.bookTexts.get(event.symbol).set(event.seq, text);
        this.bookHistory.push({ symbol: event.symbol, seq: event.seq, text });
    }

    tradeSeqs(symbol)
    {
        return (this.trades.get(symbol) ?? []).map((t) => t.seq);
    }

    errorCodes()
    {
        return this.errors.map((e) => e.code);
    }

    /** No duplicate and strictly increasing trade seqs per symbol; every book event verified. */
    assertConsistent()
    {
        for (const [symbol, list] of this.trades)
        {
            for (let i = 1; i < list.length; i++)
            {
                assert.ok(list[i].seq > list[i - 1].seq, `${symbol} trade ${list[i].seq} after ${list[i - 1].seq}`);
            }
        }
        assert.deepEqual(this.bookFailures, [], 'every book event equals the naive book and its checksum');
    }
}

/**
 * Compares delivered trades with the journal's over (fromSeq, toSeq] for each symbol: every delivered trade
 * is the journal's (same price, qty, side), and every journal trade not delivered lies inside a reported gap.
 * @returns {{missing: number[], delivered: number}} journal trades not delivered (all inside gaps)
 */
export function compareWithJournal(recorder, journal, symbols, fromSeq, until)
{
    const toSeq = Math.min(until, journal.lastSeq);
    const missing = [];
    let delivered = 0;
    for (const symbol of symbols)
    {
        const truth = journal.filter((t) => t.symbol === symbol && t.seq > fromSeq.get(symbol) && t.seq <= toSeq);
        const got = (recorder.trades.get(symbol) ?? []).filter((t) => t.seq <= toSeq);
        const bySeq = new Map(truth.map((t) => [t.seq, t]));
        for (const trade of got)
        {
            const real = bySeq.get(trade.seq);
            assert.ok(real !== undefined, `${symbol} trade ${trade.seq} is not in the journal (${journal.length} trades, last seq ${journal.at(-1)?.seq})`);
            assert.deepEqual([trade.price, trade.qty, trade.side], [real.price, real.qty, real.side]);
        }
        delivered += got.length;
        const gotSeqs = new Set(got.map((t) => t.seq));
        for (const trade of truth)
        {
            if (!gotSeqs.has(trade.seq))
            {
                const covered = recorder.gaps.some((g) => g.channel === 'trades' && g.symbol === symbol &&
                    trade.seq > g.from && trade.seq <= g.to);
                assert.ok(covered, `${symbol} trade ${trade.seq} was neither delivered nor inside a gap event`);
                missing.push(trade.seq);
            }
        }
    }
    return { missing, delivered };
}
