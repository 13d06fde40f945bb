// A TCP proxy in front of a gateway that a test can break: cut every connection, refuse new ones, freeze
// the server-to-client direction, or rewrite / drop server-to-client WebSocket text messages.
//
// To read the server's frames it removes Sec-WebSocket-Extensions from the client's upgrade request, so
// the gateway never compresses (permessage-deflate) on proxied connections.

import net from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Encodes one unmasked (server-to-client) final text frame.
 * @param {Buffer} payload
 */
function textFrame(payload)
{
    let header;
    if (payload.length < 126)
    {
        header = Buffer.from([0x81, payload.length]);
    }
    else if (payload.length < 65536)
    {
        header = Buffer.alloc(4);
        header[0] = 0x81;
        header[1] = 126;
        header.writeUInt16BE(payload.length, 2);
    }
    else
    {
        header = Buffer.alloc(10);
        header[0] = 0x81;
        header[1] = 127;
        header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    return Buffer.concat([header, payload]);
}

/**
 * Splits server-to-client bytes into whole frames; returns [frames, rest].
 * @param {Buffer} buffer
 */
function splitFrames(buffer)
{
    const frames = [];
    let at = 0;
    for (;;)
    {
        if (buffer.length - at < 2)
        {
            break;
        }
        const b0 = buffer[at];
        const b1 = buffer[at + 1];
        let length = b1 & 0x7f;
        let headerLength = 2;
        if (length === 126)
        {
            if (buffer.length - at < 4)
            {
                break;
            }
            length = buffer.readUInt16BE(at + 2);
            headerLength = 4;
        }
        else if (length === 127)
        {
            if (buffer.length - at < 10)
            {
                break;
            }
            length = Number(buffer.readBigUInt64BE(at + 2));
            headerLength = 10;
        }
        if ((b1 & 0x80) !== 0)
        {
            headerLength += 4; // a masked frame: never sent by a server
        }
        if (buffer.length - at < headerLength + length)
        {
            break;
        }
        frames.push({
            fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, masked: (b1 & 0x80) !== 0,
            raw: buffer.subarray(at, at + headerLength + length),
            payload: buffer.subarray(at + headerLength, at + headerLength + length),
        });
        at += headerLength + length;
    }
    return [frames, buffer.subarray(at)];
}

/**
 * A proxy listening on 127.0.0.1 (ephemeral port) forwarding to targetPort.
 */
export class BreakableProxy
{
    /**
     * @param {() => number} targetPort where to connect (a function: the target may move)
     */
    constructor(targetPort)
    {
        this.targetPort = targetPort;
        this.pairs = new Set();
        this.refusing = false;
        /** @type {((text: string) => string | null) | null} rewrites a server text message; null drops it */
        this.rewrite = null;
        this.accepted = 0;
        this.server = net.createServer((client) => this.onClient(client));
    }

    /** @returns {Promise<number>} the port it listens on */
    listen()
    {
        return new Promise((resolve) =>
        {
            this.server.listen(0, '127.0.0.1', () =>
            {
                this.port = this.server.address().port;
                this.url = `ws://127.0.0.1:${this.port}/stream`;
                resolve(this.port);
            });
        });
    }

    onClient(client)
    {
        if (this.refusing)
        {
            client.destroy();
            return;
        }
        this.accepted++;
        const upstream = net.connect(this.targetPort(), '127.0.0.1');
        const pair = { client, upstream, frozen: false };
        this.pairs.add(pair);
        const end = () =>
        {
            this.pairs.delete(pair);
            client.destroy();
            upstream.destroy();
        };
        client.on('error', end);
        upstream.on('error', end);
        client.on('close', end);
        upstream.on('close', end);

        let requestHead = Buffer.alloc(0);
        let requestDone = false;
        client.on('data', (chunk) =>
        {
            if (requestDone)
            {
                upstream.write(chunk);
                return;
            }
            requestHead = Buffer.concat([requestHead, chunk]);
            const end = requestHead.indexOf(HEADER_END);
            if (end < 0)
            {
                return;
            }
            const head = requestHead.subarray(0, end).toString('latin1')
                .split('\r\n').filter((line) => !/^sec-websocket-extensions:/i.test(line)).join('\r\n');
            upstream.write(Buffer.concat([Buffer.from(head, 'latin1'), requestHead.subarray(end)]));
            requestDone = true;
        });

        let responseHeadDone = false;
        let pending = Buffer.alloc(0);
        upstream.on('data', (chunk) =>
        {
            pending = Buffer.concat([pending, chunk]);
            if (!responseHeadDone)
            {
                const end = pending.indexOf(HEADER_END);
                if (end < 0)
                {
                    return;
                }
                this.toClient(pair, pending.subarray(0, end + HEADER_END.length));
                pending = pending.subarray(end + HEADER_END.length);
                responseHeadDone = true;
            }
            const [frames, rest] = splitFrames(pending);
            pending = Buffer.from(rest);
            for (const frame of frames)
            {
                if (this.rewrite !== null && frame.fin && frame.opcode === 1 && !frame.masked)
                {
                    const text = frame.payload.toString('utf8');
                    const out = this.rewrite(text);
                    if (out === null)
                    {
                        continue;
                    }
                    this.toClient(pair, out === text ? frame.raw : textFrame(Buffer.from(out, 'utf8')));
                }
                else
                {
                    this.toClient(pair, frame.raw);
                }
            }
        });
    }

    toClient(pair, bytes)
    {
        if (pair.frozen)
        {
            return; // swallowed: the client sees a silent, open connection
        }
        pair.client.write(Buffer.from(bytes));
    }

    /** Destroys every open connection (both sides), as a network failure would. */
    cut()
    {
        for (const pair of [...this.pairs])
        {
            pair.client.destroy();
            pair.upstream.destroy();
        }
        this.pairs.clear();
    }

    /** Stops forwarding server-to-client bytes on the open connections, keeping them open; new ones flow. */
    freeze()
    {
        for (const pair of this.pairs)
        {
            pair.frozen = true;
        }
    }

    /** New connections are closed at once (true) or proxied again (false). */
    refuse(refusing = true)
    {
        this.refusing = refusing;
    }

    /** @returns {number} open proxied connections */
    get open()
    {
        return this.pairs.size;
    }

    close()
    {
        this.cut();
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}
