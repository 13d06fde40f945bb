// Fixed-point decimals, the book checksum and OrderBook, against the protocol's examples and a naive model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
    OrderBook, bookChecksum, checksumText, crc32, parseDecimal, formatDecimal, canonicalDecimal,
} from '../src/tickwire.js';
import { seededRandom, testSeed } from './support/gateway.js';

test('checksum examples of docs/protocol.md', { timeout: 5_000 }, () =>
{
    assert.equal(checksumText([['101.5', '2'], ['101', '0.5']], [['102', '1']]), '101.5:2,101:0.5|102:1');
    assert.equal(bookChecksum([['101.5', '2'], ['101', '0.5']], [['102', '1']]), 917985745);
    assert.equal(bookChecksum([], []), 2343686810);
    assert.equal(checksumText([['101', '1']], []), '101:1|');
    assert.equal(checksumText([], [['101', '1']]), '|101:1');
    // the session of "Subscriptions and snapshots", depth 2
    const book = new OrderBook('BTC-USD');
    book.replace([['101.5', '2'], ['101', '0.5']], [['102', '1']]);
    assert.equal(book.checksum(), 917985745);
    book.apply([['101.5', '1.5']], []);
    assert.equal(book.checksum(), 1407007982);
    book.apply([['101.5', '0'], ['100.5', '3']], []);
    assert.equal(book.checksum(), 1886974646);
    assert.equal(book.checksumText(), '101:0.5,100.5:3|102:1');
});

test('crc32 is IEEE CRC-32 (java.util.zip.CRC32)', { timeout: 5_000 }, () =>
{
    assert.equal(crc32(''), 0);
    assert.equal(crc32('123456789'), 0xCBF43926);
    assert.equal(crc32('The quick brown fox jumps over the lazy dog'), 0x414FA339);
    assert.throws(() => crc32('é'), RangeError);
});

test('decimals are exact fixed point with canonical text', { timeout: 5_000 }, () =>
{
    const cases = [
        ['0', '0'], ['-0', '0'], ['0.000', '0'], ['101.50', '101.5'], ['007', '7'], ['1.000000001', '1.000000001'],
        ['123456789012345678.9', '123456789012345678.9'], ['-3.25', '-3.25'], ['0.1', '0.1'], ['2.0000000000', '2'],
    ];
    assert.deepEqual(cases.map(([text]) => canonicalDecimal(text)), cases.map(([, canonical]) => canonical));
    assert.equal(parseDecimal('0.1') + parseDecimal('0.2'), parseDecimal('0.3'));
    assert.equal(formatDecimal(parseDecimal('9007199254740993.5')), '9007199254740993.5');
    for (const bad of ['', '1e3', '+1', '1.', '.5', ' 1', 'NaN', '1.0000000001', null, 5])
    {
        assert.throws(() => parseDecimal(bad), RangeError, String(bad));
    }
});

/** The naive model: a map price -> qty per side, sorted by converting with BigInt on every read. */
function naiveText(model)
{
    const side = (map, descending) => [...map.entries()]
        .map(([price, qty]) => [parseDecimal(price), canonicalDecimal(price), canonicalDecimal(qty)])
        .sort((a, b) => (a[0] === b[0] ? 0 : (a[0] < b[0]) === descending ? 1 : -1))
        .map(([, price, qty]) => `${price}:${qty}`).join(',');
    return side(model.bids, true) + '|' + side(model.asks, false);
}

test('OrderBook equals a naive model over 5,000 seeded random updates', { timeout: 30_000 }, () =>
{
    const seed = testSeed();
    const random = seededRandom(seed);
    const book = new OrderBook('X');
    const model = { bids: new Map(), asks: new Map() };
    const price = (mid, offsetTicks) =>
    {
        // prices written in several non-canonical ways that mean the same value
        const units = BigInt(mid) * 100n + BigInt(offsetTicks);
        const text = formatDecimal(units * 10_000_000n);
        return random() < 0.2 && text.includes('.') ? text + '0' : text;
    };
    for (let step = 0; step < 5_000; step++)
    {
        const bids = [];
        const asks = [];
        const n = 1 + Math.floor(random() * 4);
        for (let i = 0; i < n; i++)
        {
            const isBid = random() < 0.5;
            const p = isBid ? price(100, -Math.floor(random() * 40)) : price(100, 1 + Math.floor(random() * 40));
            const qty = random() < 0.3 ? '0' : formatDecimal(BigInt(1 + Math.floor(random() * 50_000)) * 100_000n);
            (isBid ? bids : asks).push([p, qty]);
        }
        if (random() < 0.01)
        {
            book.replace(bids, asks);
            model.bids.clear();
            model.asks.clear();
        }
        else
        {
            book.apply(bids, asks);
        }
        for (const [side, levels] of [[model.bids, bids], [model.asks, asks]])
        {
            for (const [p, q] of levels)
            {
                const key = canonicalDecimal(p);
                if (parseDecimal(q) === 0n)
                {
                    side.delete(key);
                }
                else
                {
                    side.set(key, q);
                }
            }
        }
        const expected = naiveText(model);
        assert.equal(book.checksumText(), expected, `step ${step}, seed ${seed}`);
        assert.equal(book.checksum(), crc32(expected));
    }
    const top = book.bids(2).map(([p, q]) => `${p}:${q}`).join(',');
    assert.ok(book.checksumText().startsWith(top), 'bids(2) are the best two bid levels');
});
