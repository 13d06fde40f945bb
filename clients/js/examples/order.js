// Place a limit order one tick below the best bid, then cancel it; print the engine's answers and fills.
//   node examples/order.js [ws://localhost:8080/stream] [SYMBOL]
import { TickwireClient, TickwireError } from '../src/tickwire.js';

const url = process.argv[2] ?? 'ws://localhost:8080/stream';
const symbol = process.argv[3] ?? 'BTC-USD';
const client = new TickwireClient(url);
client.on('fill', (f) => console.log(`fill ${f.side} ${f.qty} @ ${f.price}, leaves ${f.leaves}`));
await client.connect();
const instrument = (await client.instruments()).find((i) => i.symbol === symbol);
await client.subscribe('book', [symbol], { depth: 1 });
const book = client.book(symbol);
while (book.stale)
{
    await new Promise((resolve) => setTimeout(resolve, 50));
}
const best = book.bestBid()?.[0] ?? '100';
const clientOrderId = Date.now() % 1_000_000_000;
try
{
    // one tick below the best bid: rests in the book
    const tick = Number(instrument.tickSize);
    const price = (Number(best) - tick).toFixed(instrument.priceScale);
    const ack = await client.order({ symbol, side: 'buy', type: 'limit', price, qty: instrument.lotSize, clientOrderId });
    console.log(`${ack.type} ${JSON.stringify(ack)}`);
    const cancelled = await client.cancel({ symbol, clientOrderId });
    console.log(`${cancelled.type} ${JSON.stringify(cancelled)}`);
}
catch (error)
{
    if (error instanceof TickwireError && error.code === 'UNKNOWN_OP')
    {
        console.log('order entry is not enabled on this gateway');
    }
    else
    {
        throw error;
    }
}
client.close();
