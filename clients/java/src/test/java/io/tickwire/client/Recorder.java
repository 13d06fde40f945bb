package io.tickwire.client;

import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.gateway.JournalTruth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener that turns every callback into a value, for tests to assert whole event lists.
 */
final class Recorder implements TickwireListener
{
    /** The client's book view right after a book message: levels as {@code price:qty}, "|" between the sides. */
    record BookView(String symbol, long seq, String view, boolean snapshot)
    {
    }

    /** A trade as delivered, with its prev. */
    record TradeSeen(JournalTruth.TradeRow row, long prev)
    {
    }

    final List<TradeSeen> trades = new CopyOnWriteArrayList<>();
    final List<BookView> views = new CopyOnWriteArrayList<>();
    final List<String> tickers = new CopyOnWriteArrayList<>();
    final List<Gap> gaps = new CopyOnWriteArrayList<>();
    final List<StatusEvent> statuses = new CopyOnWriteArrayList<>();
    final List<ClientError> errors = new CopyOnWriteArrayList<>();
    /** Runs in {@link #onError}, after the error is recorded: diagnostics of a test. */
    volatile java.util.function.Consumer<ClientError> onErrorHook = e -> { };
    /** Per error, how many book views had been delivered before it (callbacks are serial: exact). */
    final List<Integer> viewsBeforeError = new CopyOnWriteArrayList<>();
    private volatile Thread lastThread;
    volatile boolean concurrent;
    private final java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void onTrade(final Trade t)
    {
        enter();
        trades.add(new TradeSeen(new JournalTruth.TradeRow(t.seq(), t.symbol(),
            Decimals.toString(t.price(), t.priceScale()),
            Decimals.toString(t.qty(), t.qtyScale()), t.side() == Side.BUY ? "buy" : "sell", t.ts()), t.prev()));
        leave();
    }

    @Override
    public void onBook(final OrderBook book, final BookUpdate update)
    {
        enter();
        views.add(new BookView(book.symbol(), book.seq(), String.join(",", book.levels()), update.snapshot()));
        leave();
    }

    @Override
    public void onTicker(final Ticker ticker)
    {
        enter();
        tickers.add(ticker.toString());
        leave();
    }

    @Override
    public void onStatus(final StatusEvent status)
    {
        enter();
        statuses.add(status);
        if (Boolean.getBoolean("tickwire.test.verbose"))
        {
            System.out.println(System.nanoTime() / 1_000_000 + " ms " + status);
        }
        leave();
    }

    @Override
    public void onGap(final Gap gap)
    {
        enter();
        gaps.add(gap);
        leave();
    }

    @Override
    public void onError(final ClientError error)
    {
        enter();
        viewsBeforeError.add(views.size());
        errors.add(error);
        onErrorHook.accept(error);
        leave();
    }

    /** Callbacks must never overlap: flag it if they do. */
    private void enter()
    {
        if (inside.incrementAndGet() != 1)
        {
            concurrent = true;
        }
        lastThread = Thread.currentThread();
    }

    private void leave()
    {
        inside.decrementAndGet();
    }

    long count(final ConnectionState state)
    {
        return statuses.stream().filter(s -> s.state() == state).count();
    }

    List<ClientError> errors(final String code)
    {
        return errors.stream().filter(e -> e.code().equals(code)).toList();
    }

    Thread lastThread()
    {
        return lastThread;
    }
}
