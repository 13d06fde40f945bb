// The Tickwire live page: instruments with tickers, a depth-10 ladder, the trades tape, a status bar and
// order entry, on the JavaScript client (served from ./client/, copied from clients/js/src at build time).
// Messages only update state; one paint per animation frame draws what changed.
//
// Query parameters: ?symbol=ETH-USD selects an instrument; ?gw=ws://a/stream,ws://b/stream gives the
// gateway list (default: this page's host); ?token=... is passed to the gateway.

import { TickwireClient, latencyMs, parseDecimal } from './client/tickwire.js';

const DEPTH = 10;
const TAPE_ROWS = 32;
const FLASH_MS = 350;
const params = new URLSearchParams(location.search);
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const urls = (params.get('gw') ?? `${scheme}://${location.host}/stream`).split(',');
const client = new TickwireClient(urls, params.has('token') ? { token: params.get('token') } : {});

const state = {
    instruments: [],
    meta: new Map(),
    selected: null,
    tickers: new Map(),
    previousLast: new Map(),
    dirtyTickers: new Set(),
    trades: [],
    freshTrades: 0,
    tradesDirty: false,
    bookDirty: false,
    status: { state: 'connecting', label: 'connecting', url: urls[0] },
    statusDirty: true,
    latencies: new Float64Array(200),
    latencyCount: 0,
    rate: 0,
    paints: 0,
    flashes: 0,
    orderEntry: 'unknown', // 'unknown' until the first answer, then 'enabled' or 'disabled'
    openOrders: new Map(),
    ordersDirty: false,
    log: [],
    resumes: [],
};
window.tickwire = { client, state };

const $ = (id) => document.getElementById(id);
document.getElementById('ws-url').textContent = urls.join(', ');

// ------------------------------------------------------------------ formatting

function pad(text, scale)
{
    if (text === null || text === undefined)
    {
        return '-';
    }
    if (scale === undefined || scale === 0)
    {
        return text;
    }
    const [whole, frac = ''] = text.split('.');
    return `${whole}.${frac.padEnd(scale, '0')}`;
}

function price(symbol, text)
{
    return pad(text, state.meta.get(symbol)?.priceScale);
}

function qty(symbol, text)
{
    return pad(text, state.meta.get(symbol)?.qtyScale);
}

function timeOf(ts)
{
    return new Date(Math.floor(ts / 1e6)).toISOString().slice(11, 23);
}

function recordLatency(ts)
{
    state.latencies[state.latencyCount % state.latencies.length] = latencyMs(ts);
    state.latencyCount++;
}

// ------------------------------------------------------------------ events: update state only

client.on('status', (s) =>
{
    let label = s.state;
    if (s.state === 'open')
    {
        label = 'connected';
    }
    else if (s.state === 'resumed')
    {
        label = s.recovered ? 'resumed' : 'resumed, not recovered';
        state.resumes.push({ recovered: s.recovered, restarted: s.streamsRestarted });
    }
    state.status = { state: s.state === 'resumed' && !s.recovered ? 'restarted' : s.state, label, url: s.url };
    state.statusDirty = true;
    if (s.state === 'disconnected' && state.openOrders.size > 0)
    {
        logOrder('error', 'connection lost: open orders are no longer shown (see the gateway\'s cancel-on-disconnect)');
        state.openOrders.clear();
        state.ordersDirty = true;
    }
});

client.on('ticker', (t) =>
{
    const before = state.tickers.get(t.symbol);
    if (before !== undefined && before.last !== null && t.last !== null && before.last !== t.last)
    {
        state.previousLast.set(t.symbol, parseDecimal(t.last) > parseDecimal(before.last) ? 'up' : 'down');
    }
    state.tickers.set(t.symbol, t);
    state.dirtyTickers.add(t.symbol);
    if (t.prev !== t.seq)
    {
        recordLatency(t.ts); // not a snapshot: a snapshot's ts is the time of the ticker's last change
    }
});

client.on('trade', (t) =>
{
    recordLatency(t.ts);
    if (t.symbol !== state.selected)
    {
        return;
    }
    state.trades.unshift(t);
    state.trades.length = Math.min(state.trades.length, TAPE_ROWS);
    state.freshTrades = Math.min(state.freshTrades + 1, TAPE_ROWS);
    state.tradesDirty = true;
});

client.on('book', (b) =>
{
    if (b.symbol === state.selected)
    {
        state.bookDirty = true;
    }
});

client.on('gap', () => { state.statusDirty = true; });

client.on('fill', (f) =>
{
    const order = state.openOrders.get(f.clientOrderId);
    logOrder('ack', `fill #${f.clientOrderId} ${f.side} ${f.qty} @ ${f.price}${f.maker ? ' (maker)' : ''}, leaves ${f.leaves}`);
    if (order !== undefined)
    {
        order.leaves = f.leaves;
        if (parseDecimal(f.leaves) === 0n)
        {
            state.openOrders.delete(f.clientOrderId);
        }
        state.ordersDirty = true;
    }
});

// ------------------------------------------------------------------ instruments and selection

function buildInstrumentRows()
{
    const body = $('instruments').tBodies[0];
    body.replaceChildren();
    for (const instrument of state.instruments)
    {
        const row = body.insertRow();
        row.dataset.symbol = instrument.symbol;
        row.insertCell().textContent = instrument.symbol;
        for (let i = 0; i < 4; i++)
        {
            row.insertCell().className = 'num';
        }
        row.addEventListener('click', () => select(instrument.symbol));
    }
}

async function select(symbol)
{
    const previous = state.selected;
    if (previous === symbol)
    {
        return;
    }
    state.selected = symbol;
    state.trades = [];
    state.freshTrades = 0;
    state.tradesDirty = true;
    state.bookDirty = true;
    ladderRows.forEach((row) => { row.painted = ''; });
    paintedLevels.ask = new Map();
    paintedLevels.bid = new Map();
    for (const row of $('instruments').tBodies[0].rows)
    {
        row.classList.toggle('selected', row.dataset.symbol === symbol);
    }
    $('book-symbol').textContent = symbol;
    $('trades-symbol').textContent = symbol;
    const meta = state.meta.get(symbol);
    const form = $('order-form');
    form.qty.value = meta?.lotSize ?? '';
    form.price.value = '';
    const url = new URL(location.href);
    url.searchParams.set('symbol', symbol);
    history.replaceState(null, '', url);
    if (previous !== null)
    {
        await Promise.all([client.unsubscribe('book', [previous]), client.unsubscribe('trades', [previous])]);
    }
    await Promise.all([client.subscribe('book', [symbol], { depth: DEPTH }), client.subscribe('trades', [symbol])]);
}

// ------------------------------------------------------------------ painting (one per animation frame)

const ladderRows = [];
/** price -> qty of each side as last painted, to flash the levels that changed (not the rows that moved) */
const paintedLevels = { ask: new Map(), bid: new Map() };
function buildLadder()
{
    for (const [bodyId, side] of [['asks', 'ask'], ['bids', 'bid']])
    {
        const body = $(bodyId);
        for (let i = 0; i < DEPTH; i++)
        {
            const row = body.insertRow();
            const total = row.insertCell();
            total.className = 'num total';
            const size = row.insertCell();
            size.className = 'num';
            const px = row.insertCell();
            px.className = 'num price';
            const bar = document.createElement('div');
            bar.className = 'bar';
            const totalText = document.createElement('span');
            total.append(bar, totalText);
            const entry = { row, totalText, size, px, bar, side, painted: '', flashUntil: 0, price: null };
            row.addEventListener('click', () =>
            {
                if (entry.price !== null)
                {
                    const form = $('order-form');
                    form.price.value = entry.price;
                    form.side.value = side === 'ask' ? 'buy' : 'sell';
                    form.classList.toggle('sell', form.side.value === 'sell');
                }
            });
            ladderRows.push(entry);
        }
    }
}

function paintLadder(now)
{
    const symbol = state.selected;
    const book = symbol === null ? undefined : client.book(symbol);
    if (book === undefined)
    {
        return;
    }
    const asks = book.asks(DEPTH);
    const bids = book.bids(DEPTH);
    const cumulative = (levels) =>
    {
        let sum = 0n;
        return levels.map(([, q]) => (sum += parseDecimal(q)));
    };
    const askTotals = cumulative(asks);
    const bidTotals = cumulative(bids);
    const max = [askTotals.at(-1) ?? 0n, bidTotals.at(-1) ?? 0n].reduce((a, b) => (a > b ? a : b), 1n);
    const scale = 10n ** 9n;
    const fmtTotal = (units) => qty(symbol, (units / scale).toString() + (units % scale === 0n ? '' :
        '.' + (units % scale).toString().padStart(9, '0').replace(/0+$/, '')));
    // asks: worst at the top, best just above the spread
    const changed = (side, level) =>
    {
        if (level === undefined || paintedLevels[side].size === 0)
        {
            return null;
        }
        const before = paintedLevels[side].get(level[0]);
        if (before === level[1])
        {
            return null;
        }
        return before === undefined || parseDecimal(level[1]) > parseDecimal(before) ? 'up' : 'down';
    };
    for (let i = 0; i < DEPTH; i++)
    {
        const askIndex = DEPTH - 1 - i;
        paintLevel(ladderRows[i], asks[askIndex], askTotals[askIndex], max, fmtTotal, now,
            changed('ask', asks[askIndex]));
        paintLevel(ladderRows[DEPTH + i], bids[i], bidTotals[i], max, fmtTotal, now, changed('bid', bids[i]));
    }
    paintedLevels.ask = new Map(asks);
    paintedLevels.bid = new Map(bids);
    const bestBid = bids[0]?.[0];
    const bestAsk = asks[0]?.[0];
    $('spread-cell').textContent = bestBid !== undefined && bestAsk !== undefined ?
        `spread ${price(symbol, fmtSpread(bestAsk, bestBid))}` : 'one-sided book';
    $('book-seq').textContent = book.stale ? 'resyncing…' : `seq ${book.seq}`;
}

function fmtSpread(ask, bid)
{
    const units = parseDecimal(ask) - parseDecimal(bid);
    const scale = 10n ** 9n;
    const abs = units < 0n ? -units : units;
    const frac = (abs % scale).toString().padStart(9, '0').replace(/0+$/, '');
    return (units < 0n ? '-' : '') + (abs / scale).toString() + (frac.length > 0 ? '.' + frac : '');
}

function paintLevel(entry, level, total, max, fmtTotal, now, changed)
{
    const key = level === undefined ? '' : `${level[0]}:${level[1]}:${total}`;
    if (key !== entry.painted)
    {
        const symbol = state.selected;
        entry.price = level?.[0] ?? null;
        entry.px.textContent = level === undefined ? '' : price(symbol, level[0]);
        entry.size.textContent = level === undefined ? '' : qty(symbol, level[1]);
        entry.totalText.textContent = level === undefined ? '' : fmtTotal(total);
        entry.bar.style.width = level === undefined ? '0' : `${Number((total * 1000n) / max) / 10}%`;
        entry.painted = key;
    }
    if (changed !== null)
    {
        state.flashes++;
        entry.size.classList.toggle('flash-up', changed === 'up');
        entry.size.classList.toggle('flash-down', changed === 'down');
        entry.flashUntil = now + FLASH_MS;
    }
    else if (entry.flashUntil !== 0 && (now > entry.flashUntil || level === undefined))
    {
        entry.size.classList.remove('flash-up', 'flash-down');
        entry.flashUntil = 0;
    }
}

function paintTape()
{
    const body = $('tape').tBodies[0];
    const rows = [];
    state.trades.forEach((t, i) =>
    {
        const row = document.createElement('tr');
        row.className = t.side + (i < state.freshTrades ? ' new' : '');
        const time = row.insertCell();
        time.textContent = timeOf(t.ts);
        const px = row.insertCell();
        px.className = 'num';
        px.textContent = price(t.symbol, t.price);
        const size = row.insertCell();
        size.className = 'num';
        size.textContent = qty(t.symbol, t.qty);
        rows.push(row);
    });
    body.replaceChildren(...rows);
    state.freshTrades = 0;
    state.tradesDirty = false;
    // let the new rows' highlight fade out
    requestAnimationFrame(() => body.querySelectorAll('tr.new').forEach((row) => row.classList.remove('new')));
}

function paintTickers()
{
    const rows = $('instruments').tBodies[0].rows;
    for (const row of rows)
    {
        const symbol = row.dataset.symbol;
        if (!state.dirtyTickers.has(symbol))
        {
            continue;
        }
        const t = state.tickers.get(symbol);
        const cells = row.cells;
        cells[1].textContent = price(symbol, t.last);
        cells[1].className = 'num ' + (state.previousLast.get(symbol) ?? '');
        cells[2].textContent = price(symbol, t.bid);
        cells[3].textContent = price(symbol, t.ask);
        cells[4].textContent = qty(symbol, t.volume);
    }
    state.dirtyTickers.clear();
}

function paintStatus()
{
    const el = $('status');
    el.dataset.state = state.status.state;
    $('st-state').textContent = state.status.label;
    $('st-url').textContent = state.status.url ?? '';
    $('st-seq').textContent = client.lastSeq > 0 ? String(client.lastSeq) : '-';
    $('st-gaps').textContent = String(client.stats.gaps);
    $('st-resyncs').textContent = String(client.stats.resyncs);
    $('st-rate').textContent = String(state.rate);
    const n = Math.min(state.latencyCount, state.latencies.length);
    if (n > 0)
    {
        const sorted = Array.from(state.latencies.subarray(0, n)).sort((a, b) => a - b);
        $('st-latency').textContent = `${sorted[Math.floor(n / 2)].toFixed(1)} ms`;
    }
}

function paintOrders()
{
    const body = $('open-orders').tBodies[0];
    const rows = [];
    for (const order of state.openOrders.values())
    {
        const row = document.createElement('tr');
        row.insertCell().textContent = String(order.clientOrderId);
        row.insertCell().textContent = order.side;
        const px = row.insertCell();
        px.className = 'num';
        px.textContent = order.price ?? 'market';
        const leaves = row.insertCell();
        leaves.className = 'num';
        leaves.textContent = order.leaves;
        const action = row.insertCell();
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = 'cancel';
        button.addEventListener('click', () => cancelOrder(order));
        action.appendChild(button);
        rows.push(row);
    }
    body.replaceChildren(...rows);
    const log = $('order-log');
    log.replaceChildren(...state.log.map(({ kind, text }) =>
    {
        const item = document.createElement('li');
        item.className = kind;
        item.textContent = text;
        return item;
    }));
    state.ordersDirty = false;
}

function paint(now)
{
    state.paints++;
    if (state.statusDirty)
    {
        paintStatus();
    }
    if (state.dirtyTickers.size > 0)
    {
        paintTickers();
    }
    if (state.bookDirty || ladderRows.some((r) => r.flashUntil !== 0))
    {
        paintLadder(now);
        state.bookDirty = false;
    }
    if (state.tradesDirty)
    {
        paintTape();
    }
    if (state.ordersDirty)
    {
        paintOrders();
    }
    requestAnimationFrame(paint);
}

let lastCount = 0;
setInterval(() =>
{
    state.rate = client.stats.messages - lastCount;
    lastCount = client.stats.messages;
    state.statusDirty = true;
}, 1000);

// ------------------------------------------------------------------ order entry

let nextClientOrderId = Date.now() % 1_000_000_000_000;

function logOrder(kind, text)
{
    state.log.unshift({ kind, text });
    state.log.length = Math.min(state.log.length, 30);
    state.ordersDirty = true;
}

function disableOrderEntry(message)
{
    state.orderEntry = 'disabled';
    $('order-panel').hidden = true;
    $('order-disabled').hidden = false;
    $('order-disabled').textContent = message;
}

async function placeOrder(event)
{
    event.preventDefault();
    const form = event.target;
    const symbol = state.selected;
    const type = form.type.value;
    const order = {
        symbol, side: form.side.value, type, qty: form.qty.value.trim(), clientOrderId: nextClientOrderId++,
        ...(type === 'market' ? {} : { price: form.price.value.trim() }),
    };
    try
    {
        const answer = await client.order(order);
        state.orderEntry = 'enabled';
        if (answer.type === 'ack')
        {
            logOrder('ack', `ack #${answer.clientOrderId} ${order.side} ${order.qty} ${symbol}: filled ${answer.filled}, ` +
                `leaves ${answer.leaves} (seq ${answer.seq})`);
            if (answer.leaves !== undefined && parseDecimal(answer.leaves) > 0n)
            {
                state.openOrders.set(answer.clientOrderId, { ...order, leaves: answer.leaves });
            }
        }
        else
        {
            logOrder('reject', `reject #${answer.clientOrderId}: ${answer.code} ${answer.message ?? ''}`);
        }
    }
    catch (error)
    {
        if (error.code === 'UNKNOWN_OP')
        {
            disableOrderEntry(`Order entry is not enabled on this gateway (${error.message}).`);
            return;
        }
        if (error.code === 'NOT_ENTITLED')
        {
            disableOrderEntry(`This connection may not trade (${error.message}).`);
            return;
        }
        logOrder('error', `${error.code ?? 'error'}: ${error.message}`);
    }
}

async function cancelOrder(order)
{
    try
    {
        const answer = await client.cancel({ symbol: order.symbol, clientOrderId: order.clientOrderId });
        if (answer.type === 'ack')
        {
            logOrder('ack', `cancelled #${order.clientOrderId}: ${answer.cancelled ?? ''}`);
            state.openOrders.delete(order.clientOrderId);
        }
        else
        {
            logOrder('reject', `cancel #${order.clientOrderId} rejected: ${answer.code} ${answer.message ?? ''}`);
        }
    }
    catch (error)
    {
        logOrder('error', `${error.code ?? 'error'}: ${error.message}`);
    }
}

$('order-form').addEventListener('submit', placeOrder);
$('order-form').addEventListener('change', (e) =>
{
    if (e.target.name === 'side')
    {
        $('order-form').classList.toggle('sell', e.target.value === 'sell');
    }
    if (e.target.name === 'type')
    {
        $('order-form').price.disabled = e.target.value === 'market';
    }
});

// ------------------------------------------------------------------ start

buildLadder();
requestAnimationFrame(paint);

async function start()
{
    await client.connect();
    state.instruments = await client.instruments();
    state.meta = new Map(state.instruments.map((i) => [i.symbol, i]));
    buildInstrumentRows();
    if (state.instruments.length === 0)
    {
        return;
    }
    await client.subscribe('ticker', state.instruments.map((i) => i.symbol));
    const wanted = params.get('symbol');
    await select(state.meta.has(wanted) ? wanted : state.instruments[0].symbol);
    window.tickwire.ready = true;
}

start().catch((error) =>
{
    state.status = { state: 'closed', label: `error: ${error.message}`, url: client.url };
    state.statusDirty = true;
});
