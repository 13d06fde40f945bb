// Type declarations of src/book.js: fixed-point decimals, the book checksum, the local order book.

export declare const DECIMAL_PLACES: 9;

/** Parses a plain decimal string exactly into a fixed-point BigInt with 9 decimal places. */
export declare function parseDecimal(text: string): bigint;
/** The canonical text of a fixed-point value (9 decimal places). */
export declare function formatDecimal(units: bigint): string;
/** The canonical form of a decimal string: "101.50" -> "101.5". */
export declare function canonicalDecimal(text: string): string;
/** IEEE CRC-32 of an ASCII string, unsigned. */
export declare function crc32(ascii: string): number;
/** "bid:qty,...|ask:qty,..." of a view, best first, canonical decimals. */
export declare function checksumText(bids: ReadonlyArray<readonly [string, string]>,
    asks: ReadonlyArray<readonly [string, string]>): string;
/** The book checksum of a view (docs/protocol.md "Book checksum"). */
export declare function bookChecksum(bids: ReadonlyArray<readonly [string, string]>,
    asks: ReadonlyArray<readonly [string, string]>): number;

export type Level = [price: string, qty: string];

/** A price-level book view built from snapshots and deltas, ordered in fixed point. */
export declare class OrderBook {
    constructor(symbol: string);
    readonly symbol: string;
    /** seq of the last message applied, or null */
    seq: number | null;
    /** true while the client waits for a snapshot (after a mismatch, a gap, or a restart): do not trust it */
    stale?: boolean;
    replace(bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>): void;
    apply(bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>): void;
    checksumText(): string;
    checksum(): number;
    bids(limit?: number): Level[];
    asks(limit?: number): Level[];
    bestBid(): Level | null;
    bestAsk(): Level | null;
    clear(): void;
}
