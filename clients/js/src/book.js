// Tickwire client: fixed-point decimals, the book checksum and a local price-level order book.
// No dependencies; runs in browsers and in Node 20 as it is.

/** Decimal places of the fixed-point representation: the protocol's largest priceScale / qtyScale. */
export const DECIMAL_PLACES = 9;

const SCALE = 10n ** BigInt(DECIMAL_PLACES);
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a protocol decimal string ("101.25", "0", "-3.5") into a fixed-point BigInt with DECIMAL_PLACES
 * places, exactly (no float on the way). Throws a RangeError on anything that is not a plain decimal or
 * that has more than DECIMAL_PLACES fractional digits (non-zero ones: "1.50" is fine).
 * @param {string} text
 * @returns {bigint}
 */
export function parseDecimal(text)
{
    const m = typeof text === 'string' ? DECIMAL.exec(text) : null;
    if (m === null)
    {
        throw new RangeError(`not a decimal string: ${JSON.stringify(text)}`);
    }
    let frac = m[3] ?? '';
    if (frac.length > DECIMAL_PLACES)
    {
        const extra = frac.slice(DECIMAL_PLACES);
        if (!/^0*$/.test(extra))
        {
            throw new RangeError(`more than ${DECIMAL_PLACES} decimal places: ${text}`);
        }
        frac = frac.slice(0, DECIMAL_PLACES);
    }
    const units = BigInt(m[2]) * SCALE + BigInt(frac.padEnd(DECIMAL_PLACES, '0'));
    return m[1] === '-' ? -units : units;
}

/**
 * The canonical text of a fixed-point value, as the server writes it: no exponent, no '+', no trailing
 * fractional zeros, no trailing point, "0" for zero.
 * @param {bigint} units value times 10^DECIMAL_PLACES
 * @returns {string}
 */
export function formatDecimal(units)
{
    const negative = units < 0n;
    const abs = negative ? -units : units;
    const whole = abs / SCALE;
    const frac = (abs % SCALE).toString().padStart(DECIMAL_PLACES, '0').replace(/0+$/, '');
    if (abs === 0n)
    {
        return '0';
    }
    return (negative ? '-' : '') + whole.toString() + (frac.length > 0 ? '.' + frac : '');
}

/**
 * The canonical form of a decimal string ("101.50" -> "101.5", "007" -> "7", "-0" -> "0").
 * @param {string} text
 * @returns {string}
 */
export function canonicalDecimal(text)
{
    return formatDecimal(parseDecimal(text));
}

const CRC_TABLE = (() =>
{
    const table = new Int32Array(256);
    for (let n = 0; n < 256; n++)
    {
        let c = n;
        for (let k = 0; k < 8; k++)
        {
            c = (c & 1) !== 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
        }
        table[n] = c;
    }
    return table;
})();

/**
 * CRC-32 (IEEE 802.3, as java.util.zip.CRC32) of an ASCII string, as an unsigned 32-bit number.
 * @param {string} ascii
 * @returns {number}
 */
export function crc32(ascii)
{
    let crc = -1;
    for (let i = 0; i < ascii.length; i++)
    {
        const code = ascii.charCodeAt(i);
        if (code > 0x7f)
        {
            throw new RangeError('crc32 input must be ASCII');
        }
        crc = CRC_TABLE[(crc ^ code) & 0xff] ^ (crc >>> 8);
    }
    return (crc ^ -1) >>> 0;
}

/**
 * The checksum text of a book view (docs/protocol.md "Book checksum"): bid levels best first, then ask
 * levels best first, each "price:qty" in canonical decimal text, levels joined by ",", sides by "|".
 * @param {ReadonlyArray<readonly [string, string]>} bids
 * @param {ReadonlyArray<readonly [string, string]>} asks
 * @returns {string}
 */
export function checksumText(bids, asks)
{
    let text = '';
    for (let i = 0; i < bids.length; i++)
    {
        text += (i > 0 ? ',' : '') + canonicalDecimal(bids[i][0]) + ':' + canonicalDecimal(bids[i][1]);
    }
    text += '|';
    for (let i = 0; i < asks.length; i++)
    {
        text += (i > 0 ? ',' : '') + canonicalDecimal(asks[i][0]) + ':' + canonicalDecimal(asks[i][1]);
    }
    return text;
}

/**
 * The book checksum of a view given as [price, qty] string pairs, best first on each side.
 * @param {ReadonlyArray<readonly [string, string]>} bids
 * @param {ReadonlyArray<readonly [string, string]>} asks
 * @returns {number}
 */
export function bookChecksum(bids, asks)
{
    return crc32(checksumText(bids, asks));
}

/**
 * One side of a price-level book: levels kept sorted best first by their fixed-point price.
 * A level is {price, qty, units} with canonical strings and the price's fixed-point value.
 */
class BookSide
{
    /** @param {boolean} descending true for bids (highest first), false for asks (lowest first) */
    constructor(descending)
    {
        this.descending = descending;
        /** @type {{price: string, qty: string, units: bigint}[]} */
        this.levels = [];
    }

    clear()
    {
        this.levels.length = 0;
    }

    /** Index of the level at this price, or -(insertion point) - 1. */
    search(units)
    {
        let lo = 0;
        let hi = this.levels.length - 1;
        while (lo <= hi)
        {
            const mid = (lo + hi) >>> 1;
            const other = this.levels[mid].units;
            if (other === units)
            {
                return mid;
            }
            const before = this.descending ? other > units : other < units;
            if (before)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return -lo - 1;
    }

    /** Sets a level's total; a zero quantity removes it. Returns true when the view changed. */
    set(priceText, qtyText)
    {
        const units = parseDecimal(priceText);
        const qtyUnits = parseDecimal(qtyText);
        if (qtyUnits < 0n)
        {
            throw new RangeError(`negative quantity ${qtyText}`);
        }
        const at = this.search(units);
        if (qtyUnits === 0n)
        {
            if (at >= 0)
            {
                this.levels.splice(at, 1);
                return true;
            }
            return false;
        }
        const qty = formatDecimal(qtyUnits);
        if (at >= 0)
        {
            const changed = this.levels[at].qty !== qty;
            this.levels[at].qty = qty;
            return changed;
        }
        this.levels.splice(-at - 1, 0, { price: formatDecimal(units), qty, units });
        return true;
    }

    text()
    {
        let text = '';
        for (let i = 0; i < this.levels.length; i++)
        {
            const level = this.levels[i];
            text += (i > 0 ? ',' : '') + level.price + ':' + level.qty;
        }
        return text;
    }

    pairs(limit)
    {
        const n = Math.min(limit ?? this.levels.length, this.levels.length);
        const out = new Array(n);
        for (let i = 0; i < n; i++)
        {
            out[i] = [this.levels[i].price, this.levels[i].qty];
        }
        return out;
    }
}

/**
 * A local price-level order book view, built from book snapshots and deltas exactly as
 * docs/protocol.md says: a snapshot replaces the view, a delta sets each level's total ("0" removes
 * it). Prices are kept in fixed point and ordered without floating point; texts are canonical.
 */
export class OrderBook
{
    /** @param {string} symbol */
    constructor(symbol)
    {
        this.symbol = symbol;
        this.bidSide = new BookSide(true);
        this.askSide = new BookSide(false);
        /** seq of the last message applied, or null before the first snapshot */
        this.seq = null;
        /** true until a snapshot replaced the view, and while a client waits for one: not to be trusted */
        this.stale = true;
    }

    /**
     * Replaces the view with a snapshot's levels.
     * @param {ReadonlyArray<readonly [string, string]>} bids
     * @param {ReadonlyArray<readonly [string, string]>} asks
     */
    replace(bids, asks)
    {
        this.bidSide.clear();
        this.askSide.clear();
        this.apply(bids, asks);
        this.stale = false;
    }

    /**
     * Applies a delta's levels: each is the level's new total, "0" removes it.
     * @param {ReadonlyArray<readonly [string, string]>} bids
     * @param {ReadonlyArray<readonly [string, string]>} asks
     */
    apply(bids, asks)
    {
        for (const [price, qty] of bids)
        {
            this.bidSide.set(price, qty);
        }
        for (const [price, qty] of asks)
        {
            this.askSide.set(price, qty);
        }
    }

    /** @returns {string} the checksum text of the whole view */
    checksumText()
    {
        return this.bidSide.text() + '|' + this.askSide.text();
    }

    /** @returns {number} the checksum of the whole view (unsigned 32-bit) */
    checksum()
    {
        return crc32(this.checksumText());
    }

    /**
     * @param {number} [limit] at most this many levels
     * @returns {[string, string][]} bid levels, best (highest) first, as [price, qty]
     */
    bids(limit)
    {
        return this.bidSide.pairs(limit);
    }

    /**
     * @param {number} [limit] at most this many levels
     * @returns {[string, string][]} ask levels, best (lowest) first, as [price, qty]
     */
    asks(limit)
    {
        return this.askSide.pairs(limit);
    }

    /** @returns {[string, string] | null} the best bid, or null */
    bestBid()
    {
        const level = this.bidSide.levels[0];
        return level === undefined ? null : [level.price, level.qty];
    }

    /** @returns {[string, string] | null} the best ask, or null */
    bestAsk()
    {
        const level = this.askSide.levels[0];
        return level === undefined ? null : [level.price, level.qty];
    }

    clear()
    {
        this.bidSide.clear();
        this.askSide.clear();
        this.seq = null;
        this.stale = true;
    }
}
