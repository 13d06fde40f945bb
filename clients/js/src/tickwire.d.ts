// Type declarations of the Tickwire JavaScript client (src/tickwire.js). Protocol: docs/protocol.md.

import { OrderBook } from './book.js';

export {
    OrderBook, Level, bookChecksum, checksumText, crc32, parseDecimal, formatDecimal, canonicalDecimal, DECIMAL_PLACES,
} from './book.js';

export type Channel = 'trades' | 'book' | 'ticker';
export declare const CHANNELS: readonly Channel[];

/** A decimal string as the server writes it: "101.25", "0.5", "0". */
export type Decimal = string;
/** A request id: the client uses increasing numbers. */
export type RequestId = number | string;

export interface TradeMessage {
    type: 'trade';
    symbol: string;
    seq: number;
    prev: number;
    price: Decimal;
    qty: Decimal;
    side: 'buy' | 'sell';
    /** engine time, epoch nanoseconds (a JSON number: exact to about 256 ns) */
    ts: number;
}

export interface TickerMessage {
    type: 'ticker';
    symbol: string;
    seq: number;
    prev: number;
    bid: Decimal | null;
    bidQty: Decimal | null;
    ask: Decimal | null;
    askQty: Decimal | null;
    last: Decimal | null;
    lastQty: Decimal | null;
    volume: Decimal;
    ts: number;
}

/** A verified book update: the client's book already holds the new view, whose checksum matched. */
export interface BookEvent {
    type: 'book';
    symbol: string;
    seq: number;
    prev: number;
    /** true: the view was replaced (subscription start, resync, restart) */
    snapshot: boolean;
    /** true: the message merged several engine batches (the gateway conflated a lagging stream) */
    conflated: boolean;
    checksum: number;
    /** the levels of this message (a delta's changed levels, or the whole snapshot) */
    bids: [Decimal, Decimal][];
    asks: [Decimal, Decimal][];
    /** the client's live book of this symbol (updated in place by later messages) */
    book: OrderBook;
}

/** A stream's events with from < seq <= to may be missing (for trades: were not delivered). */
export interface GapEvent {
    channel: Channel;
    symbol: string;
    from: number;
    to: number;
    reason: string;
}

export interface StatusEvent {
    state: 'connecting' | 'open' | 'disconnected' | 'reconnecting' | 'resumed' | 'closed';
    url: string | null;
    /** connection attempt number since the last good connection (connecting, reconnecting) */
    attempt?: number;
    /** the wait before the next attempt (connecting, reconnecting after a failure) */
    delayMs?: number;
    /** open: true after a reconnect */
    reconnected?: boolean;
    /** disconnected: the WebSocket close code and reason */
    code?: number;
    reason?: string;
    /** resumed: true when every stream was recovered from its last seq with no gap */
    recovered?: boolean;
    streamsRecovered?: number;
    streamsRestarted?: number;
}

export interface HeartbeatMessage { type: 'heartbeat'; seq: number; }

export interface SubscribedReply {
    type: 'subscribed';
    id?: RequestId;
    channel: Channel;
    symbols: string[];
    seq: number;
    recovered?: boolean;
    epoch?: string;
    depth?: number;
    maxHz?: number;
}

export interface UnsubscribedReply { type: 'unsubscribed'; id?: RequestId; channel: Channel; symbols: string[]; }

export interface Instrument {
    symbol: string;
    priceScale: number;
    qtyScale: number;
    tickSize: Decimal;
    lotSize: Decimal;
    mode: 'matching' | 'feed';
}

export interface OrderRequest {
    symbol: string;
    side: 'buy' | 'sell';
    type: 'limit' | 'market' | 'ioc';
    /** required for limit and ioc, refused for market */
    price?: Decimal;
    qty: Decimal;
    /** 1 .. 2^40-1, unique among the participant's live orders */
    clientOrderId: number;
}

export interface CancelRequest { symbol: string; clientOrderId: number; }

/** The engine's answer to an order or cancel. */
export interface ExecutionReply {
    type: 'ack' | 'reject';
    id?: RequestId;
    /** the op answered */
    request: 'order' | 'cancel';
    symbol: string;
    clientOrderId: number;
    /** ack of an order */
    filled?: Decimal;
    leaves?: Decimal;
    /** ack of a cancel */
    cancelled?: Decimal;
    /** reject */
    code?: string;
    message?: string;
    seq: number;
    ts: number;
}

/** One of the connection's orders traded (unsolicited). */
export interface FillMessage {
    type: 'fill';
    symbol: string;
    clientOrderId: number;
    side: 'buy' | 'sell';
    price: Decimal;
    qty: Decimal;
    leaves: Decimal;
    maker: boolean;
    tradeSeq: number;
    ts: number;
}

export declare class TickwireError extends Error {
    constructor(code: string, message: string, detail?: unknown);
    /** the server's error code, or the client's: TIMEOUT, DISCONNECTED, CLOSED, NOT_CONNECTED,
     * CHECKSUM_MISMATCH, HEARTBEAT_TIMEOUT, PROTOCOL, CONNECTION, UNSUBSCRIBED, LISTENER */
    code: string;
    /** the server's message, or what the client saw (CHECKSUM_MISMATCH: {symbol, seq, expected, actual}) */
    detail?: any;
}

export interface ClientOptions {
    /** reply deadline of a request (default 10000) */
    requestTimeoutMs?: number;
    /** deadline for a connection to open (default 5000) */
    connectTimeoutMs?: number;
    /** reconnect when nothing arrives for this long; the server sends a heartbeat every second (default 5000; 0 off) */
    heartbeatTimeoutMs?: number;
    /** send a ping this often (default 30000; 0 off) */
    pingIntervalMs?: number;
    /** first reconnect delay (default 250) */
    initialDelayMs?: number;
    /** largest reconnect delay (default 10000) */
    maxDelayMs?: number;
    /** delay growth per failed attempt (default 2) */
    multiplier?: number;
    /** a delay is scaled by a random factor in [1 - jitter, 1] (default 0.5) */
    jitter?: number;
    /** resync a book by itself on a checksum mismatch or a prev gap (default true) */
    autoResync?: boolean;
    /** sent as ?token= on every connection */
    token?: string;
    /** the journal epoch of seqs given with subscribe's `from` (e.g. persisted from an earlier session) */
    epoch?: string;
    /** a WebSocket constructor (default: globalThis.WebSocket, else the `ws` package) */
    WebSocket?: any;
    /** Node `ws` only: options for its constructor, e.g. {perMessageDeflate: false} */
    wsOptions?: object;
    /** random source in [0, 1) for the jitter (default Math.random) */
    random?: () => number;
}

export interface ClientStats {
    messages: number;
    trades: number;
    books: number;
    tickers: number;
    heartbeats: number;
    gaps: number;
    checksumMismatches: number;
    resyncs: number;
    duplicatesDropped: number;
    reconnects: number;
    resumesRecovered: number;
    resumesRestarted: number;
}

export interface EventMap {
    trade: TradeMessage;
    book: BookEvent;
    ticker: TickerMessage;
    status: StatusEvent;
    gap: GapEvent;
    error: TickwireError;
    fill: FillMessage;
    heartbeat: HeartbeatMessage;
    message: { type: string; [field: string]: unknown };
}

export interface SubscribeOptions {
    /** book only: levels per side, 1..100 (default 10) */
    depth?: number;
    /** book and ticker: at most this many messages per second per stream */
    maxHz?: number;
    policy?: 'conflate' | 'close';
    /** resume after this seq (e.g. persisted); give ClientOptions.epoch with it */
    from?: number;
}

export declare class TickwireClient {
    constructor(urls: string | string[], options?: ClientOptions);
    readonly urls: string[];
    readonly state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
    /** the URL of the current (or last) connection */
    readonly url: string | null;
    /** the journal identity last named by the server; sent back with `from` */
    readonly epoch: string | null;
    /** the newest seq seen on any message */
    readonly lastSeq: number;
    readonly stats: ClientStats;

    on<K extends keyof EventMap>(type: K, listener: (event: EventMap[K]) => void): () => void;
    off<K extends keyof EventMap>(type: K, listener: (event: EventMap[K]) => void): void;

    connect(): Promise<void>;
    close(): void;

    request(request: { op: string; [field: string]: unknown }, options?: { timeoutMs?: number }): Promise<any>;
    ping(): Promise<{ seq: number; rttMs: number }>;
    instruments(): Promise<Instrument[]>;
    subscribe(channel: Channel, symbols: string[], options?: SubscribeOptions): Promise<SubscribedReply>;
    unsubscribe(channel: Channel, symbols: string[]): Promise<UnsubscribedReply | null>;
    resync(channel: 'book' | 'ticker', symbols: string[]): Promise<void>;
    order(order: OrderRequest): Promise<ExecutionReply>;
    cancel(cancel: CancelRequest): Promise<ExecutionReply>;

    /** the local book of a subscribed book stream */
    book(symbol: string): OrderBook | undefined;
    /** the last seq delivered on a stream */
    streamSeq(channel: Channel, symbol: string): number | null;
}

/** milliseconds from the engine time `ts` (epoch ns) to now on this machine's clock */
export declare function latencyMs(ts: number): number;
