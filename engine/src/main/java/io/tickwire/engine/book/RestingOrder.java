package io.tickwire.engine.book;

/**
 * A live order in an {@link OrderBook}: a pooled, mutable node of its level's intrusive doubly-linked
 * list (time priority, head first). {@code next} also links free nodes in the book's pool.
 */
final class RestingOrder
{
    long key;
    long quantity;
    PriceLevel level;
    RestingOrder prev;
    RestingOrder next;
}
