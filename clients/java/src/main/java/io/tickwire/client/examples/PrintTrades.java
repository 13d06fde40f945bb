package io.tickwire.client.examples;

import io.tickwire.client.BookUpdate;
import io.tickwire.client.ClientConfig;
import io.tickwire.client.ClientError;
import io.tickwire.client.Gap;
import io.tickwire.client.OrderBook;
import io.tickwire.client.StatusEvent;
import io.tickwire.client.Subscription;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireListener;
import io.tickwire.client.Trade;
import io.tickwire.client.WireProtocol;
import io.tickwire.codecs.Decimals;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Prints the trades and the best bid/ask of some instruments. Start a gateway ({@code ./tickwire run}), then:
 * <pre>
 * java -cp clients/java/target/classes:... io.tickwire.client.examples.PrintTrades \
 *     ws://localhost:8080/stream[,ws://other:8080/stream] [BTC-USD ETH-USD ...]
 * </pre>
 * (clients/java/README.md shows the whole command). Speaks the binary {@code tickwire.sbe.v1} unless
 * {@code -Dprotocol=json}. Stops on Ctrl-C, or after {@code -Dseconds=N} seconds.
 */
public final class PrintTrades
{
    private PrintTrades()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String urls = args.length > 0 ? args[0] : "ws://localhost:8080/stream";
        final String[] symbols = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) :
            new String[] {"BTC-USD"};
        final CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));

        final ClientConfig config = new ClientConfig().urls(urls.split(","))
            .protocol(WireProtocol.valueOf(System.getProperty("protocol", "sbe").toUpperCase(Locale.ROOT)));
        try (TickwireClient client = TickwireClient.connect(config, new TickwireListener()
        {
            @Override
            public void onTrade(final Trade t)
            {
                System.out.printf("trade  %-8s seq=%d %s %s @ %s%n", t.symbol(), t.seq(), t.side(),
                    Decimals.toString(t.qty(), t.qtyScale()), Decimals.toString(t.price(), t.priceScale()));
            }

            @Override
            public void onBook(final OrderBook book, final BookUpdate update)
            {
                if (book.bidCount() > 0 && book.askCount() > 0)
                {
                    System.out.printf("book   %-8s seq=%d %s x %s%s%n", book.symbol(), book.seq(),
                        Decimals.toString(book.bidPrice(0), book.priceScale()),
                        Decimals.toString(book.askPrice(0), book.priceScale()), update.snapshot() ? " (snapshot)" : "");
                }
            }

            @Override
            public void onStatus(final StatusEvent status)
            {
                System.out.println("status " + status.state() + " " + status.url() +
                    (status.subprotocol().isEmpty() ? "" : " " + status.subprotocol()) +
                    (status.reason().isEmpty() ? "" : " (" + status.reason() + ")"));
            }

            @Override
            public void onGap(final Gap gap)
            {
                System.out.println("gap    " + gap);
            }

            @Override
            public void onError(final ClientError error)
            {
                System.out.println("error  " + error.code() + ": " + error.message());
            }
        }))
        {
            client.subscribe(Subscription.trades(symbols));
            client.subscribe(Subscription.book(symbols).depth(5));
            stop.await(Long.getLong("seconds", Long.MAX_VALUE / 2), TimeUnit.SECONDS);
            System.out.println(client.counters());
        }
    }
}
