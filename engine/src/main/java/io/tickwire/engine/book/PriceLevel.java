package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.Side;

/**
 * One price of one side of an {@link OrderBook}: the aggregate open quantity and order count, and the
 * orders in time priority as an intrusive doubly-linked list, so that appending, removing the head and
 * removing any order by reference are all O(1). Pooled: {@code nextFree} links free levels.
 */
final class PriceLevel
{
    Side side;
    long price;
    long quantity;
    int orderCount;
    RestingOrder head;
    RestingOrder tail;
    PriceLevel nextFree;

    void init(final Side side, final long price)
    {
        this.side = side;
        this.price = price;
        quantity = 0;
        orderCount = 0;
        head = null;
        tail = null;
        nextFree = null;
    }

    /**
     * Puts the order last in time priority and adds its open quantity to the level.
     */
    void append(final RestingOrder order)
    {
        final RestingOrder last = tail;
        order.level = this;
        order.prev = last;
        order.next = null;
        if (last == null)
        {
            head = order;
        }
        else
        {
            last.next = order;
        }
        tail = order;
        quantity += order.quantity;
        orderCount++;
    }

    /**
     * Takes the order out of the list and its open quantity out of the level.
     */
    void remove(final RestingOrder order)
    {
        final RestingOrder before = order.prev;
        final RestingOrder after = order.next;
        if (before == null)
        {
            head = after;
        }
        else
        {
            before.next = after;
        }
        if (after == null)
        {
            tail = before;
        }
        else
        {
            after.prev = before;
        }
        order.prev = null;
        order.next = null;
        order.level = null;
        quantity -= order.quantity;
        orderCount--;
    }

    boolean isEmpty()
    {
        return orderCount == 0;
    }
}
