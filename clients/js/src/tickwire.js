// Tickwire JavaScript client: one ES module, no runtime dependencies in browsers; in Node 20 it loads the
// `ws` package (Node 20 has no global WebSocket). The protocol is docs/protocol.md of the Tickwire repo.

import { OrderBook } from './book.js';

export {
    OrderBook, bookChecksum, checksumText, crc32, parseDecimal, formatDecimal, canonicalDecimal, DECIMAL_PLACES
} from './book.js';

/** Channels of the protocol. */
export const CHANNELS = Object.freeze(['trades', 'book', 'ticker']);

const DEFAULTS = Object.freeze({
    requestTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    heartbeatTimeoutMs: 5_000,
    pingIntervalMs: 30_000,
    initialDelayMs: 250,
    maxDelayMs: 10_000,
    multiplier: 2,
    jitter: 0.5,
    autoResync: true,
});

/** The replies that answer a request by its id. */
const REPLY_TYPES = new Set(['subscribed', 'unsubscribed', 'pong', 'instruments', 'ack', 'reject']);

/**
 * An error of the protocol (`code` is the server's error code) or of the client: `TIMEOUT`,
 * `DISCONNECTED`, `CLOSED`, `NOT_CONNECTED`, `CHECKSUM_MISMATCH`, `PROTOCOL`, `CONNECTION`.
 */
export class TickwireError extends Error
{
    /**
     * @param {string} code
     * @param {string} message
     * @param {object} [detail] the server's reply, or what the client saw
     */
    constructor(code, message, detail)
    {
        super(message);
        this.name = 'TickwireError';
        this.code = code;
        this.detail = detail;
    }
}

/**
 * Milliseconds between the engine time `ts` (epoch nanoseconds) and now on this machine's clock: an
 * end-to-end latency estimate, only as good as the two clocks' agreement.
 * @param {number} ts
 * @returns {number}
 */
export function latencyMs(ts)
{
    const now = typeof performance !== 'undefined' && performance.timeOrigin !== undefined ?
        performance.timeOrigin + performance.now() : Date.now();
    return now - ts / 1e6;
}

async function loadWebSocket()
{
    if (typeof globalThis.WebSocket === 'function')
    {
        return globalThis.WebSocket;
    }
    try
    {
        const module = await import('ws');
        return module.WebSocket ?? module.default;
    }
    catch (error)
    {
        throw new TickwireError('CONNECTION',
            'no WebSocket implementation: install the "ws" package (npm install ws) or pass options.WebSocket',
            error);
    }
}

function streamKey(channel, symbol)
{
    return channel + ' ' + symbol;
}

function optionsKey(options)
{
    return JSON.stringify([options.depth ?? null, options.maxHz ?? null, options.policy ?? null]);
}

/**
 * A connection to a set of Tickwire gateways that survives their failures: it reconnects with backoff,
 * fails over along the URL list, resumes every stream from its last seq and keeps verified local books.
 */
export class TickwireClient
{
    /**
     * @param {string | string[]} urls gateway WebSocket URLs (`ws://host:8080/stream`), tried in order
     * @param {object} [options] see tickwire.d.ts (ClientOptions)
     */
    constructor(urls, options = {})
    {
        this.urls = (Array.isArray(urls) ? urls : [urls]).map(String);
        if (this.urls.length === 0)
        {
            throw new TypeError('at least one gateway URL is needed');
        }
        this.options = { ...DEFAULTS, ...options };
        this.random = this.options.random ?? Math.random;
        /** 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' */
        this.state = 'idle';
        /** the URL of the current (or last) connection */
        this.url = null;
        /** the journal identity the server last named (`epoch` of a `subscribed` reply), sent back on resume */
        this.epoch = options.epoch ?? null;
        /** the newest seq seen on any message (heartbeats, pongs and subscribed replies included) */
        this.lastSeq = 0;
        this.stats = {
            messages: 0, trades: 0, books: 0, tickers: 0, heartbeats: 0, gaps: 0, checksumMismatches: 0,
            resyncs: 0, duplicatesDropped: 0, reconnects: 0, resumesRecovered: 0, resumesRestarted: 0,
        };
        this.instrumentList = null;

        this.listeners = new Map();
        this.streams = new Map();
        this.pending = new Map();
        this.nextId = 1;
        this.urlIndex = -1;
        this.failures = 0;
        this.ws = null;
        this.connectedOnce = false;
        this.resumeRound = null;
        this.timers = { reconnect: null, watchdog: null, ping: null, connect: null };
        this.openWaiters = [];
        this.lastMessageAt = 0;
    }

    // ------------------------------------------------------------------ events

    /**
     * Adds a listener. Types: `trade`, `book`, `ticker`, `status`, `gap`, `error`, `fill`, `heartbeat`, `message`.
     * @returns {() => void} a function that removes the listener
     */
    on(type, listener)
    {
        let set = this.listeners.get(type);
        if (set === undefined)
        {
            set = new Set();
            this.listeners.set(type, set);
        }
        set.add(listener);
        return () => this.off(type, listener);
    }

    off(type, listener)
    {
        this.listeners.get(type)?.delete(listener);
    }

    emit(type, event)
    {
        const set = this.listeners.get(type);
        if (set === undefined)
        {
            return;
        }
        for (const listener of [...set])
        {
            try
            {
                listener(event);
            }
            catch (error)
            {
                if (type !== 'error')
                {
                    this.emit('error', new TickwireError('LISTENER', `a ${type} listener threw: ${error}`, error));
                }
            }
        }
    }

    // ------------------------------------------------------------------ connection

    /**
     * Starts connecting (if not yet) and resolves once a connection is open. It keeps retrying along the
     * URL list with backoff; it rejects only if the client is closed first.
     * @returns {Promise<void>}
     */
    connect()
    {
        if (this.state === 'closed')
        {
            return Promise.reject(new TickwireError('CLOSED', 'client closed'));
        }
        const opened = this.state === 'open' ? Promise.resolve() :
            new Promise((resolve, reject) => this.openWaiters.push({ resolve, reject }));
        if (this.state === 'idle')
        {
            this.attempt();
        }
        return opened;
    }

    /**
     * Closes the connection for good: no reconnect; pending requests reject with `CLOSED`.
     */
    close()
    {
        if (this.state === 'closed')
        {
            return;
        }
        this.state = 'closed';
        this.clearTimers();
        const ws = this.ws;
        this.ws = null;
        if (ws !== null)
        {
            this.detach(ws);
            try
            {
                ws.close(1000, 'client closed');
            }
            catch
            {
                // already closing
            }
        }
        const error = new TickwireError('CLOSED', 'client closed');
        this.failPending(error);
        for (const stream of this.streams.values())
        {
            this.rejectWaiters(stream, error);
        }
        for (const waiter of this.openWaiters.splice(0))
        {
            waiter.reject(error);
        }
        this.emit('status', { state: 'closed', url: this.url });
    }

    clearTimers()
    {
        for (const name of Object.keys(this.timers))
        {
            clearTimeout(this.timers[name]);
            clearInterval(this.timers[name]);
            this.timers[name] = null;
        }
    }

    async attempt()
    {
        if (this.state === 'closed')
        {
            return;
        }
        this.urlIndex = (this.urlIndex + 1) % this.urls.length;
        const url = this.withToken(this.urls[this.urlIndex]);
        this.url = this.urls[this.urlIndex];
        this.state = this.connectedOnce ? 'reconnecting' : 'connecting';
        this.emit('status', { state: this.state, url: this.url, attempt: this.failures + 1 });
        let ws;
        try
        {
            const Impl = this.options.WebSocket ?? await loadWebSocket();
            if (this.state === 'closed')
            {
                return;
            }
            ws = this.options.wsOptions !== undefined ? new Impl(url, [], this.options.wsOptions) : new Impl(url);
        }
        catch (error)
        {
            this.emit('error', error instanceof TickwireError ? error :
                new TickwireError('CONNECTION', `cannot open ${this.url}: ${error.message ?? error}`, error));
            this.scheduleReconnect();
            return;
        }
        this.ws = ws;
        ws.onopen = () => this.onOpen(ws);
        ws.onmessage = (event) => this.onMessage(ws, event.data);
        ws.onclose = (event) => this.onClose(ws, event.code, event.reason);
        ws.onerror = () =>
        {
            // a close event follows; the close handler reconnects
        };
        this.timers.connect = setTimeout(() =>
        {
            if (this.ws === ws && this.state !== 'open')
            {
                this.drop(ws, 4000, `no connection within ${this.options.connectTimeoutMs} ms`);
            }
        }, this.options.connectTimeoutMs);
    }

    withToken(url)
    {
        if (this.options.token === undefined)
        {
            return url;
        }
        return url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(this.options.token);
    }

    detach(ws)
    {
        ws.onopen = null;
        ws.onmessage = null;
        ws.onclose = null;
        ws.onerror = null;
    }

    /** Abandons a connection (as if it closed with code/reason) and reconnects. */
    drop(ws, code, reason)
    {
        if (ws === null || this.ws !== ws)
        {
            return;
        }
        this.detach(ws);
        try
        {
            ws.close(code >= 4000 ? code : 4000, reason);
        }
        catch
        {
            // may not be open yet
        }
        this.onClose(ws, code, reason);
    }

    onOpen(ws)
    {
        if (this.ws !== ws)
        {
            return;
        }
        clearTimeout(this.timers.connect);
        const reconnected = this.connectedOnce;
        this.connectedOnce = true;
        this.state = 'open';
        this.lastMessageAt = Date.now();
        this.startWatchdog(ws);
        this.emit('status', { state: 'open', url: this.url, reconnected });
        for (const waiter of this.openWaiters.splice(0))
        {
            waiter.resolve();
        }
        this.resubscribe(reconnected);
    }

    onClose(ws, code, reason)
    {
        if (this.ws !== ws)
        {
            return;
        }
        this.detach(ws);
        this.ws = null;
        clearTimeout(this.timers.connect);
        clearInterval(this.timers.watchdog);
        clearInterval(this.timers.ping);
        if (this.state === 'closed')
        {
            return;
        }
        this.failPending(new TickwireError('DISCONNECTED', `connection closed (${code} ${reason ?? ''})`.trim()));
        this.resumeRound = null;
        this.emit('status', { state: 'disconnected', url: this.url, code, reason: reason ?? '' });
        if (this.connectedOnce)
        {
            this.stats.reconnects++;
        }
        this.scheduleReconnect();
    }

    scheduleReconnect()
    {
        if (this.state === 'closed')
        {
            return;
        }
        this.failures++;
        const o = this.options;
        const base = Math.min(o.maxDelayMs, o.initialDelayMs * Math.pow(o.multiplier, this.failures - 1));
        const delayMs = Math.round(base * (1 - o.jitter * this.random()));
        this.state = this.connectedOnce ? 'reconnecting' : 'connecting';
        this.emit('status', {
            state: this.state, url: this.urls[(this.urlIndex + 1) % this.urls.length], attempt: this.failures + 1, delayMs,
        });
        clearTimeout(this.timers.reconnect);
        this.timers.reconnect = setTimeout(() => this.attempt(), delayMs);
    }

    startWatchdog(ws)
    {
        const o = this.options;
        clearInterval(this.timers.watchdog);
        clearInterval(this.timers.ping);
        if (o.heartbeatTimeoutMs > 0)
        {
            this.timers.watchdog = setInterval(() =>
            {
                const silentMs = Date.now() - this.lastMessageAt;
                if (silentMs > o.heartbeatTimeoutMs)
                {
                    this.emit('error', new TickwireError('HEARTBEAT_TIMEOUT',
                        `nothing received for ${silentMs} ms from ${this.url}; reconnecting`));
                    this.drop(ws, 4000, 'heartbeat timeout');
                }
            }, Math.max(50, Math.floor(o.heartbeatTimeoutMs / 4)));
        }
        if (o.pingIntervalMs > 0)
        {
            this.timers.ping = setInterval(() =>
            {
                this.ping().catch(() =>
                {
                    // a lost pong is the watchdog's business
                });
            }, o.pingIntervalMs);
        }
    }

    // ------------------------------------------------------------------ requests

    /**
     * Sends a request with a fresh numeric id and resolves with its reply (rejects with a TickwireError on an
     * `error` reply, a timeout, or a disconnect before the reply).
     * @param {object} request without `id`
     * @param {{timeoutMs?: number}} [options]
     * @returns {Promise<object>}
     */
    request(request, options = {})
    {
        return this.send(request, { timeoutMs: options.timeoutMs ?? this.options.requestTimeoutMs });
    }

    send(request, entry)
    {
        if (this.state !== 'open' || this.ws === null)
        {
            return Promise.reject(new TickwireError('NOT_CONNECTED', `not connected (${this.state})`));
        }
        const id = this.nextId++;
        const message = { op: request.op, id, ...request };
        return new Promise((resolve, reject) =>
        {
            const record = { ...entry, resolve, reject, request: message, timer: null };
            if (entry.timeoutMs > 0)
            {
                record.timer = setTimeout(() => this.onTimeout(id), entry.timeoutMs);
            }
            this.pending.set(id, record);
            try
            {
                this.ws.send(JSON.stringify(message));
            }
            catch (error)
            {
                this.pending.delete(id);
                clearTimeout(record.timer);
                reject(new TickwireError('DISCONNECTED', `send failed: ${error.message ?? error}`, error));
            }
        });
    }

    onTimeout(id)
    {
        const record = this.pending.get(id);
        if (record === undefined)
        {
            return;
        }
        this.pending.delete(id);
        record.reject(new TickwireError('TIMEOUT', `no reply to ${record.request.op} ${id} within ${record.timeoutMs} ms`));
    }

    failPending(error)
    {
        for (const [id, record] of this.pending)
        {
            clearTimeout(record.timer);
            this.pending.delete(id);
            record.reject(error);
        }
    }

    /**
     * @returns {Promise<{seq: number, rttMs: number}>} the gateway's last applied seq and the round trip
     */
    async ping()
    {
        const started = Date.now();
        const reply = await this.request({ op: 'ping' });
        return { seq: reply.seq, rttMs: Date.now() - started };
    }

    /**
     * @returns {Promise<object[]>} every instrument the gateway knows (symbol, priceScale, qtyScale, ...)
     */
    async instruments()
    {
        const reply = await this.request({ op: 'instruments' });
        this.instrumentList = reply.instruments;
        return reply.instruments;
    }

    /**
     * Places an order (docs/protocol.md, op `order`). Resolves with the engine's answer, `{type:"ack"}` or
     * `{type:"reject"}`; rejects with a TickwireError on a protocol `error` (e.g. `UNKNOWN_OP` where order
     * entry is not enabled) or when the connection drops first (then the outcome is unknown: orders are
     * never re-sent automatically).
     */
    order(order)
    {
        return this.request({
            op: 'order', symbol: order.symbol, side: order.side, type: order.type,
            ...(order.price !== undefined ? { price: String(order.price) } : {}),
            qty: String(order.qty), clientOrderId: order.clientOrderId,
        });
    }

    /** Cancels an order by its clientOrderId (op `cancel`); answered like `order`. */
    cancel(cancel)
    {
        return this.request({ op: 'cancel', symbol: cancel.symbol, clientOrderId: cancel.clientOrderId });
    }

    // ------------------------------------------------------------------ subscriptions

    /**
     * Subscribes to a channel for some symbols. The subscription outlives connections: after a reconnect
     * the client re-subscribes with `from` (each stream's last seq) and `epoch`. Resolves with the
     * `subscribed` reply once every symbol is subscribed (possibly on a later connection); rejects on an
     * `error` reply (nothing is subscribed then), or if unsubscribed or closed first.
     * @param {'trades'|'book'|'ticker'} channel
     * @param {string[]} symbols
     * @param {{depth?: number, maxHz?: number, policy?: 'conflate'|'close', from?: number}} [options]
     */
    subscribe(channel, symbols, options = {})
    {
        if (!CHANNELS.includes(channel))
        {
            return Promise.reject(new TypeError(`unknown channel ${channel}`));
        }
        const list = [...new Set(symbols)];
        if (list.length === 0)
        {
            return Promise.reject(new TypeError('symbols must not be empty'));
        }
        const subOptions = {};
        for (const name of ['depth', 'maxHz', 'policy'])
        {
            if (options[name] !== undefined)
            {
                subOptions[name] = options[name];
            }
        }
        const waits = [];
        const created = [];
        for (const symbol of list)
        {
            const key = streamKey(channel, symbol);
            let stream = this.streams.get(key);
            if (stream === undefined)
            {
                stream = {
                    key, channel, symbol, options: subOptions, last: null, chain: null, active: false,
                    awaitingSnapshot: channel === 'book', expectInitial: true, waiters: [], resyncPending: false,
                    book: channel === 'book' ? new OrderBook(symbol) : null,
                };
                this.streams.set(key, stream);
                created.push(stream);
            }
            stream.options = subOptions;
            if (options.from !== undefined)
            {
                stream.last = options.from;
            }
            waits.push(new Promise((resolve, reject) => stream.waiters.push({ resolve, reject })));
        }
        if (this.state === 'open')
        {
            const byFrom = options.from !== undefined;
            this.sendSubscribe(channel, list, subOptions, byFrom ? options.from : undefined, created);
        }
        return Promise.all(waits).then((replies) => replies[replies.length - 1]);
    }

    /**
     * Unsubscribes; no event of those streams is delivered afterwards.
     * @returns {Promise<object|null>} the `unsubscribed` reply, or null when not connected
     */
    unsubscribe(channel, symbols)
    {
        const list = [...new Set(symbols)];
        for (const symbol of list)
        {
            const stream = this.streams.get(streamKey(channel, symbol));
            if (stream !== undefined)
            {
                this.streams.delete(stream.key);
                this.rejectWaiters(stream, new TickwireError('UNSUBSCRIBED', `unsubscribed from ${stream.key}`));
            }
        }
        if (this.state !== 'open')
        {
            return Promise.resolve(null);
        }
        return this.request({ op: 'unsubscribe', channel, symbols: list });
    }

    /**
     * Asks for fresh snapshots of book or ticker streams. Resolves when each has arrived.
     * @param {'book'|'ticker'} channel
     * @param {string[]} symbols
     */
    resync(channel, symbols)
    {
        const streams = symbols.map((symbol) => this.streams.get(streamKey(channel, symbol)));
        if (streams.some((s) => s === undefined))
        {
            return Promise.reject(new TickwireError('NOT_SUBSCRIBED', `not subscribed to all of ${channel} ${symbols}`));
        }
        const waits = streams.map((stream) => new Promise((resolve, reject) =>
        {
            stream.resyncWaiters = stream.resyncWaiters ?? [];
            stream.resyncWaiters.push({ resolve, reject });
        }));
        this.sendResync(channel, streams);
        return Promise.all(waits).then(() => undefined);
    }

    sendResync(channel, streams)
    {
        for (const stream of streams)
        {
            stream.resyncPending = true;
            if (channel === 'book')
            {
                stream.awaitingSnapshot = true;
                stream.book.stale = true;
            }
            else
            {
                stream.expectInitial = true;
            }
        }
        this.stats.resyncs += streams.length;
        if (this.state !== 'open')
        {
            return; // the re-subscribe after the reconnect brings the snapshot
        }
        // a successful resync has no reply (the snapshot is the answer): the request ends in a TIMEOUT then
        this.send({ op: 'resync', channel, symbols: streams.map((s) => s.symbol) }, {
            timeoutMs: this.options.requestTimeoutMs,
        }).catch((error) =>
        {
            if (error.code === 'DISCONNECTED' || error.code === 'CLOSED' || error.code === 'NOT_CONNECTED')
            {
                return; // the re-subscribe after the reconnect restarts the stream with a snapshot
            }
            if (error.code === 'TIMEOUT')
            {
                const late = streams.filter((s) => this.streams.get(s.key) === s && s.resyncPending);
                if (late.length > 0 && this.state === 'open')
                {
                    this.emit('error', new TickwireError('TIMEOUT', `no snapshot for resync of ${channel} ` +
                        late.map((s) => s.symbol).join(',') + '; retrying'));
                    this.sendResync(channel, late);
                }
                return;
            }
            for (const stream of streams)
            {
                stream.resyncPending = false;
                for (const waiter of stream.resyncWaiters?.splice(0) ?? [])
                {
                    waiter.reject(error);
                }
            }
            this.emit('error', error);
        });
    }

    /**
     * @param {string} symbol
     * @returns {OrderBook | undefined} the local book of a subscribed book stream (live: updated in place)
     */
    book(symbol)
    {
        return this.streams.get(streamKey('book', symbol))?.book ?? undefined;
    }

    /**
     * @returns {number | null} the last seq delivered on a stream, or null
     */
    streamSeq(channel, symbol)
    {
        return this.streams.get(streamKey(channel, symbol))?.last ?? null;
    }

    rejectWaiters(stream, error)
    {
        for (const waiter of stream.waiters.splice(0))
        {
            waiter.reject(error);
        }
        for (const waiter of stream.resyncWaiters?.splice(0) ?? [])
        {
            waiter.reject(error);
        }
    }

    sendSubscribe(channel, symbols, subOptions, from, created)
    {
        const request = { op: 'subscribe', channel, symbols, ...subOptions };
        if (from !== undefined && from !== null)
        {
            request.from = from;
            if (this.epoch !== null)
            {
                request.epoch = this.epoch;
            }
        }
        const streams = symbols.map((symbol) => this.streams.get(streamKey(channel, symbol)));
        const ws = this.ws;
        const promise = this.send(request, {
            timeoutMs: this.options.requestTimeoutMs,
            onReply: (reply) => this.onSubscribed(reply, request, streams),
        });
        promise.catch((error) =>
        {
            if (error.code === 'TIMEOUT')
            {
                // replies come in request order: a missing one means a broken connection
                this.drop(ws, 4000, `no reply to subscribe within ${this.options.requestTimeoutMs} ms`);
                return;
            }
            if (error.code === 'DISCONNECTED' || error.code === 'NOT_CONNECTED')
            {
                return; // the streams stay wanted: the next connection re-subscribes them
            }
            if (error.code === 'CLOSED')
            {
                return; // close() rejected the waiters
            }
            // an error reply: nothing was subscribed
            for (const stream of streams)
            {
                if (created.includes(stream) && this.streams.get(stream.key) === stream)
                {
                    this.streams.delete(stream.key);
                }
                this.rejectWaiters(stream, error);
            }
            this.emit('error', error);
        });
        return promise;
    }

    /** Re-subscribes every stream after (re)connecting, one request per channel and options. */
    resubscribe(reconnected)
    {
        const groups = new Map();
        for (const stream of this.streams.values())
        {
            stream.active = false;
            const resumable = stream.last !== null && !(stream.channel === 'book' && stream.awaitingSnapshot);
            const key = stream.channel + optionsKey(stream.options) + resumable;
            let group = groups.get(key);
            if (group === undefined)
            {
                group = { channel: stream.channel, options: stream.options, resumable, streams: [] };
                groups.set(key, group);
            }
            group.streams.push(stream);
        }
        const round = { reconnected, outstanding: groups.size, recovered: 0, restarted: 0 };
        this.resumeRound = round;
        if (groups.size === 0 && reconnected)
        {
            this.emit('status', { state: 'resumed', url: this.url, recovered: true, streamsRecovered: 0, streamsRestarted: 0 });
        }
        for (const group of groups.values())
        {
            const from = group.resumable ? Math.min(...group.streams.map((s) => s.last)) : undefined;
            this.sendSubscribe(group.channel, group.streams.map((s) => s.symbol), group.options, from, [])
                .then(() => this.roundDone(round), () => this.roundDone(round));
        }
    }

    roundDone(round)
    {
        round.outstanding--;
        if (round.outstanding === 0 && this.resumeRound === round && round.reconnected)
        {
            this.emit('status', {
                state: 'resumed', url: this.url, recovered: round.restarted === 0,
                streamsRecovered: round.recovered, streamsRestarted: round.restarted,
            });
        }
    }

    onSubscribed(reply, request, streams)
    {
        if (typeof reply.epoch === 'string')
        {
            this.epoch = reply.epoch;
        }
        const recovered = request.from !== undefined && reply.recovered === true;
        for (const stream of streams)
        {
            if (this.streams.get(stream.key) !== stream)
            {
                continue; // unsubscribed meanwhile
            }
            stream.active = true;
            if (recovered)
            {
                // the server replays every event after `from`: its chain starts there; what this stream already
                // delivered (seq <= last) is dropped as a duplicate
                stream.chain = request.from;
                stream.expectInitial = false;
                if (this.resumeRound !== null)
                {
                    this.resumeRound.recovered++;
                }
                this.stats.resumesRecovered++;
            }
            else
            {
                const before = stream.last;
                if (request.from !== undefined)
                {
                    this.stats.resumesRestarted++;
                    if (this.resumeRound !== null)
                    {
                        this.resumeRound.restarted++;
                    }
                    if (stream.channel === 'trades' && before !== null && reply.seq !== before)
                    {
                        this.reportGap(stream, before, reply.seq, 'resume not recovered: trades after `from` up to ' +
                            'the reply seq may be missing');
                    }
                }
                stream.chain = reply.seq;
                stream.last = reply.seq;
                stream.expectInitial = true;
                if (stream.channel === 'book')
                {
                    stream.awaitingSnapshot = true;
                    stream.book.stale = true;
                }
            }
            for (const waiter of stream.waiters.splice(0))
            {
                waiter.resolve(reply);
            }
        }
    }

    reportGap(stream, from, to, reason)
    {
        this.stats.gaps++;
        this.emit('gap', { channel: stream.channel, symbol: stream.symbol, from, to, reason });
    }

    // ------------------------------------------------------------------ messages

    onMessage(ws, data)
    {
        if (this.ws !== ws)
        {
            return;
        }
        this.lastMessageAt = Date.now();
        this.stats.messages++;
        let message;
        try
        {
            message = JSON.parse(typeof data === 'string' ? data : String(data));
        }
        catch (error)
        {
            this.emit('error', new TickwireError('PROTOCOL', `not JSON: ${String(data).slice(0, 200)}`, error));
            return;
        }
        if (typeof message.seq === 'number' && message.seq > this.lastSeq &&
            (message.type === 'heartbeat' || message.type === 'pong' || message.type === 'subscribed' ||
             message.type === 'trade' || message.type === 'book' || message.type === 'ticker'))
        {
            this.lastSeq = message.seq;
        }
        this.emit('message', message);
        switch (message.type)
        {
            case 'trade':
            case 'book':
            case 'ticker':
                this.onMarketData(message);
                break;
            case 'heartbeat':
                this.stats.heartbeats++;
                this.emit('heartbeat', message);
                break;
            case 'fill':
                this.emit('fill', message);
                break;
            case 'error':
                this.onError(message);
                break;
            default:
                if (REPLY_TYPES.has(message.type) && message.id !== undefined)
                {
                    this.onReply(message);
                }
                break;
        }
    }

    onReply(message)
    {
        const record = this.pending.get(message.id);
        if (record === undefined)
        {
            return; // timed out earlier
        }
        this.pending.delete(message.id);
        clearTimeout(record.timer);
        if (message.type === 'pong' && typeof message.epoch === 'string')
        {
            this.epoch = message.epoch;
        }
        if (record.onReply !== undefined)
        {
            // synchronously, before the next message: the messages after a reply depend on what it set up
            record.onReply(message);
        }
        record.resolve(message);
    }

    onError(message)
    {
        const error = new TickwireError(message.code, message.message, message);
        const record = message.id !== undefined ? this.pending.get(message.id) : undefined;
        if (record === undefined)
        {
            this.emit('error', error);
            return;
        }
        this.pending.delete(message.id);
        clearTimeout(record.timer);
        record.reject(error);
    }

    onMarketData(message)
    {
        const channel = message.type === 'trade' ? 'trades' : message.type;
        const stream = this.streams.get(streamKey(channel, message.symbol));
        if (stream === undefined || !stream.active)
        {
            return; // unsubscribed, or a message of a subscription being replaced
        }
        if (message.prev !== stream.chain)
        {
            this.onChainBreak(stream, message);
        }
        stream.chain = message.seq;
        switch (channel)
        {
            case 'trades':
                if (stream.last !== null && message.seq <= stream.last)
                {
                    this.stats.duplicatesDropped++;
                    return;
                }
                stream.last = message.seq;
                this.stats.trades++;
                this.emit('trade', message);
                return;
            case 'ticker':
                if (stream.last !== null && (message.seq < stream.last || (message.seq === stream.last && !stream.expectInitial)))
                {
                    this.stats.duplicatesDropped++;
                    return;
                }
                stream.last = message.seq;
                stream.expectInitial = false;
                this.settleResync(stream);
                this.stats.tickers++;
                this.emit('ticker', message);
                return;
            default:
                this.onBook(stream, message);
        }
    }

    onChainBreak(stream, message)
    {
        if (stream.channel === 'book' && message.snapshot === true)
        {
            return; // a snapshot is the whole view: nothing is missing after it
        }
        this.reportGap(stream, stream.chain, message.prev,
            `prev ${message.prev} but the stream's last seq was ${stream.chain}`);
        if (stream.channel === 'book' && this.options.autoResync && !stream.resyncPending)
        {
            this.sendResync('book', [stream]);
        }
    }

    onBook(stream, message)
    {
        const book = stream.book;
        if (message.snapshot === true)
        {
            if (stream.last !== null && message.seq < stream.last && !stream.awaitingSnapshot)
            {
                this.stats.duplicatesDropped++;
                return;
            }
            book.replace(message.bids, message.asks);
            stream.awaitingSnapshot = false;
            book.stale = false;
        }
        else
        {
            if (stream.awaitingSnapshot || stream.resyncPending)
            {
                return; // the view is not trusted: wait for the snapshot
            }
            if (stream.last !== null && message.seq <= stream.last)
            {
                this.stats.duplicatesDropped++;
                return;
            }
            book.apply(message.bids, message.asks);
        }
        stream.last = message.seq;
        book.seq = message.seq;
        const checksum = book.checksum();
        if (checksum !== message.checksum)
        {
            this.stats.checksumMismatches++;
            this.emit('error', new TickwireError('CHECKSUM_MISMATCH', `book ${stream.symbol} at seq ${message.seq}: ` +
                `checksum ${checksum}, server says ${message.checksum}; resyncing`,
                { symbol: stream.symbol, seq: message.seq, expected: message.checksum, actual: checksum }));
            book.stale = true;
            stream.awaitingSnapshot = true;
            if (this.options.autoResync && !stream.resyncPending)
            {
                this.sendResync('book', [stream]);
            }
            return;
        }
        if (message.snapshot === true)
        {
            this.settleResync(stream);
        }
        this.stats.books++;
        this.emit('book', {
            type: 'book', symbol: stream.symbol, seq: message.seq, prev: message.prev, snapshot: message.snapshot,
            conflated: message.conflated === true, checksum: message.checksum, bids: message.bids,
            asks: message.asks, book,
        });
    }

    settleResync(stream)
    {
        if (!stream.resyncPending)
        {
            return;
        }
        stream.resyncPending = false;
        for (const waiter of stream.resyncWaiters?.splice(0) ?? [])
        {
            waiter.resolve();
        }
    }
}
