'use strict';
// Node `ws` 8 broadcast server: a peer of the Tickwire fan-out rig (./tickwire bench fanout --target ws).
// Contract shared by every rig target (perf/README.md, "Fan-out rig"):
//   - WebSocket at ws://127.0.0.1:<ws-port>/stream; a client sends
//     {"op":"subscribe","channel":"trades","symbols":["SYM0000",..]} and gets {"type":"subscribed",...};
//   - the driver connects once to <feed-port> and sends tick records, big-endian:
//     int32 length (bytes after this field) | int32 symbol | int64 intended | int64 price | int64 qty |
//     int8 side | JSON bytes (length - 29); each JSON is broadcast as one text frame to the symbol's subscribers.
// Prints "READY ws=<port> feed=<port>" when listening. No conflation, no bound: like a hand-written broadcaster.
const net = require('net');
const { WebSocketServer } = require('ws');

const args = process.argv.slice(2);
function arg(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}
const symbols = parseInt(arg('--symbols', '100'), 10);
const subscribers = [];
for (let s = 0; s < symbols; s++) subscribers.push(new Set());

const wss = new WebSocketServer({ host: '127.0.0.1', port: parseInt(arg('--ws-port', '0'), 10), path: '/stream',
  perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws) => {
  const mine = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let req;
    try { req = JSON.parse(data.toString()); } catch (e) { return; }
    if (req.op !== 'subscribe' || !Array.isArray(req.symbols)) return;
    for (const sym of req.symbols) {
      const s = parseInt(String(sym).substring(3), 10);
      if (s >= 0 && s < symbols) { subscribers[s].add(ws); mine.push(s); }
    }
    ws.send(JSON.stringify({ type: 'subscribed', id: req.id, channel: req.channel, symbols: req.symbols, seq: 0 }));
  });
  ws.on('close', () => { for (const s of mine) subscribers[s].delete(ws); });
  ws.on('error', () => {});
});

const feed = net.createServer((socket) => {
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 4) {
      const length = pending.readInt32BE(at);
      if (pending.length - at - 4 < length) break;
      const symbol = pending.readInt32BE(at + 4);
      const json = pending.subarray(at + 4 + 29, at + 4 + length);
      for (const ws of subscribers[symbol]) ws.send(json, { binary: false });
      at += 4 + length;
    }
    pending = at === pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(at));
  });
  socket.on('error', () => {});
});

let listening = 0;
function ready() {
  if (++listening === 2) {
    console.log('READY ws=' + wss.address().port + ' feed=' + feed.address().port);
  }
}
wss.on('listening', ready);
feed.listen(parseInt(arg('--feed-port', '0'), 10), '127.0.0.1', ready);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
