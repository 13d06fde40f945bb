// Compiled (not run) by `npm run typecheck`: the declarations accept the README's usage and refuse misuse.
import { TickwireClient, TickwireError, bookChecksum, latencyMs, type BookEvent, type StatusEvent } from '../../src/tickwire.js';

const client = new TickwireClient(['ws://a:8080/stream', 'ws://b:8080/stream'], { heartbeatTimeoutMs: 3000 });
const off = client.on('book', (event: BookEvent) =>
{
    const top: [string, string] | null = event.book.bestBid();
    const n: number = event.book.bids(10).length + (top === null ? 0 : 1);
    void n;
});
off();
client.on('trade', (t) => latencyMs(t.ts) + Number(t.price.length));
client.on('status', (s: StatusEvent) => s.state === 'resumed' && s.recovered);
client.on('gap', (g) => g.to - g.from);
client.on('error', (e: TickwireError) => e.code);
async function main(): Promise<void>
{
    await client.connect();
    const reply = await client.subscribe('book', ['BTC-USD'], { depth: 10, maxHz: 5 });
    const seq: number = reply.seq;
    const instruments = await client.instruments();
    const scale: number = instruments[0].priceScale;
    const answer = await client.order({ symbol: 'BTC-USD', side: 'buy', type: 'limit', price: '1', qty: '1', clientOrderId: 1 });
    const kind: 'ack' | 'reject' = answer.type;
    void [seq, scale, kind, bookChecksum([['1', '1']], [])];
    // @ts-expect-error: not a channel
    await client.subscribe('candles', ['BTC-USD']);
    // @ts-expect-error: not an event type
    client.on('bogus', () => undefined);
}
void main;
