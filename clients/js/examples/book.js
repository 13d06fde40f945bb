// Watch one instrument: a verified local book (top 5), its trades, and the connection's life.
//   node examples/book.js [ws://localhost:8080/stream[,ws://other:8080/stream]] [SYMBOL] [--seconds N]
// (In your project: import { TickwireClient } from '@tickwire/client'.)
import { TickwireClient } from '../src/tickwire.js';

const args = process.argv.slice(2).filter((a, i, all) => a !== '--seconds' && all[i - 1] !== '--seconds');
const seconds = process.argv.includes('--seconds') ? Number(process.argv[process.argv.indexOf('--seconds') + 1]) : 0;
const urls = (args[0] ?? 'ws://localhost:8080/stream').split(',');
const symbol = args[1] ?? 'BTC-USD';

const client = new TickwireClient(urls);
client.on('status', (s) => console.log(`status ${s.state} ${s.url ?? ''}` +
    (s.state === 'resumed' ? (s.recovered ? ' (recovered, no gap)' : ' (restarted: see gap events)') : '')));
client.on('gap', (g) => console.log(`gap on ${g.channel} ${g.symbol}: seqs ${g.from + 1}..${g.to} ${g.reason}`));
client.on('error', (e) => console.log(`error ${e.code}: ${e.message}`));
client.on('trade', (t) => console.log(`trade ${t.symbol} ${t.side} ${t.qty} @ ${t.price}  seq ${t.seq}`));
let updates = 0;
client.on('book', (event) =>
{
    if (updates++ % 20 !== 0)
    {
        return;
    }
    const { book } = event;
    const bid = book.bids(5).map(([p, q]) => `${q}@${p}`).join(' ');
    const ask = book.asks(5).map(([p, q]) => `${q}@${p}`).join(' ');
    console.log(`book ${event.symbol} seq ${event.seq} checksum ok | bids ${bid} | asks ${ask}`);
});

await client.connect();
const instruments = await client.instruments();
console.log(`instruments ${instruments.map((i) => i.symbol).join(' ')}`);
await client.subscribe('book', [symbol], { depth: 10 });
await client.subscribe('trades', [symbol]);
if (seconds > 0)
{
    setTimeout(() =>
    {
        console.log(`stats ${JSON.stringify(client.stats)}`);
        client.close();
    }, seconds * 1000);
}
