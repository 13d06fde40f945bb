package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;

/**
 * One order book input, as a value, applicable to the real book and to the reference model.
 */
sealed interface BookCommand
{
    void applyTo(OrderBook book);

    void applyTo(ReferenceOrderBook book);

    record New(long orderKey, Side side, OrderType type, long price, long quantity) implements BookCommand
    {
        public void applyTo(final OrderBook book)
        {
            book.newOrder(orderKey, side, type, price, quantity);
        }

        public void applyTo(final ReferenceOrderBook book)
        {
            book.newOrder(orderKey, side, type, price, quantity);
        }
    }

    record Cancel(long orderKey) implements BookCommand
    {
        public void applyTo(final OrderBook book)
        {
            book.cancel(orderKey);
        }

        public void applyTo(final ReferenceOrderBook book)
        {
            book.cancel(orderKey);
        }
    }

    record Replace(long orderKey, long price, long quantity) implements BookCommand
    {
        public void applyTo(final OrderBook book)
        {
            book.replace(orderKey, price, quantity);
        }

        public void applyTo(final ReferenceOrderBook book)
        {
            book.replace(orderKey, price, quantity);
        }
    }
}
