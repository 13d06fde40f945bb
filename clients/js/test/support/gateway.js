// Starts a real Tickwire system (engine + simulated market + gateway, `./tickwire run`) for tests, with a
// temporary journal and Aeron directory, and stops it. The launcher builds app/target/tickwire.jar when it
// is missing or older than the sources (a minute or two, once).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (clients/js/test/support -> ../../../..). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const BANNER_PORT = /websocket\s+ws:\/\/localhost:(\d+)\/stream/;

/** Options of the test system; the defaults keep the simulated market busy but light. */
export const DEFAULT_SYSTEM = Object.freeze({ rate: 300, instruments: 4, seed: 7 });

/**
 * A temporary directory holding the journal and the Aeron directory; remove() deletes it.
 * @param {string} name
 */
export function tempDir(name)
{
    const dir = mkdtempSync(join(tmpdir(), `tickwire-${name}-`));
    return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts `./tickwire run` and resolves once the gateway prints its banner.
 * @param {{dir: string, port?: number, rate?: number, instruments?: number, seed?: number, startTimeoutMs?: number}} o
 * @returns {Promise<{port: number, url: string, httpUrl: string, stop: () => Promise<void>, output: () => string}>}
 */
export function startSystem(o)
{
    const options = { ...DEFAULT_SYSTEM, port: 0, startTimeoutMs: 240_000, ...o };
    const args = ['run', '--port', String(options.port), '--journal', join(options.dir, 'journal'),
        '--aeron-dir', join(options.dir, 'aeron'), '--rate', String(options.rate),
        '--instruments', String(options.instruments), '--seed', String(options.seed)];
    const child = spawn(join(REPO, 'tickwire'), args, {
        cwd: REPO,
        env: { ...process.env, TICKWIRE_JAVA_OPTS: process.env.TICKWIRE_TEST_JAVA_OPTS ?? '-Xmx384m -XX:+UseSerialGC' },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));
    return new Promise((resolveStart, rejectStart) =>
    {
        const timer = setTimeout(() =>
        {
            child.kill('SIGKILL');
            rejectStart(new Error(`tickwire run did not start within ${options.startTimeoutMs} ms:\n${output}`));
        }, options.startTimeoutMs);
        const onData = (chunk) =>
        {
            output += chunk.toString();
            const match = BANNER_PORT.exec(output);
            if (match !== null && timer !== null)
            {
                clearTimeout(timer);
                const port = Number(match[1]);
                resolveStart({
                    port,
                    url: `ws://127.0.0.1:${port}/stream`,
                    httpUrl: `http://127.0.0.1:${port}/`,
                    output: () => output,
                    stop: async () =>
                    {
                        if (child.exitCode === null && child.signalCode === null)
                        {
                            child.kill('SIGTERM');
                            const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
                            await exited;
                            clearTimeout(killer);
                        }
                    },
                });
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', (chunk) => { output += chunk.toString(); });
        exited.then(({ code, signal }) =>
        {
            clearTimeout(timer);
            rejectStart(new Error(`tickwire run exited (${code ?? signal}) before listening:\n${output}`));
        });
    });
}

/**
 * The journaled trades of a journal as [{seq, symbol, price, qty, side}], read with `tickwire dump`; the
 * array's `lastSeq` is the seq of the last event the dump read (of any type).
 * @param {string} journal
 * @returns {Promise<object[] & {lastSeq: number}>}
 */
export function journalTrades(journal)
{
    return new Promise((resolveDump, rejectDump) =>
    {
        const child = spawn(join(REPO, 'tickwire'), ['dump', '--journal', journal], {
            cwd: REPO, env: { ...process.env, TICKWIRE_JAVA_OPTS: '-Xmx256m -XX:+UseSerialGC' },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => { out += chunk.toString(); });
        child.stderr.on('data', (chunk) => { err += chunk.toString(); });
        child.on('exit', (code) =>
        {
            if (code !== 0)
            {
                rejectDump(new Error(`tickwire dump failed (${code}): ${err}`));
                return;
            }
            const trades = [];
            trades.lastSeq = 0;
            for (const line of out.split('\n'))
            {
                const seq = /"seq":(\d+)/.exec(line);
                if (seq !== null)
                {
                    trades.lastSeq = Math.max(trades.lastSeq, Number(seq[1]));
                }
                if (line.includes('"trade"'))
                {
                    const event = JSON.parse(line);
                    if (event.type === 'trade')
                    {
                        trades.push(event);
                    }
                }
            }
            resolveDump(trades);
        });
    });
}

/**
 * Waits until `condition()` is truthy, checking every 20 ms; rejects after `timeoutMs` with `what`.
 */
export async function waitFor(condition, timeoutMs, what)
{
    const deadline = Date.now() + timeoutMs;
    for (;;)
    {
        const value = condition();
        if (value)
        {
            return value;
        }
        if (Date.now() > deadline)
        {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise((r) => setTimeout(r, 20));
    }
}

/** A seeded PRNG (mulberry32), so a failing run can be repeated with its printed seed. */
export function seededRandom(seed)
{
    let a = seed >>> 0;
    return () =>
    {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** The test seed: TICKWIRE_TEST_SEED or a fresh one, printed. */
export function testSeed()
{
    const seed = process.env.TICKWIRE_TEST_SEED !== undefined ? Number(process.env.TICKWIRE_TEST_SEED) :
        Math.floor(Math.random() * 2 ** 31);
    console.log(`# seed ${seed} (repeat with TICKWIRE_TEST_SEED=${seed})`);
    return seed;
}
