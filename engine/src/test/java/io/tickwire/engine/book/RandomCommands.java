package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;

/**
 * A seeded stream of order book commands built to exercise matching: prices cluster around a mid that
 * random-walks (mean reverting), so limit orders cross often, large orders sweep several levels, cancels
 * and replaces mostly target recent live orders, and a small share of inputs is invalid in every way the
 * book validates. Keys look like engine keys ({@code participant << 40 | clientOrderId}).
 */
final class RandomCommands
{
    static final long TICK = 5;
    static final long LOT = 10;
    private static final long START_MID_TICKS = 20_000;
    private static final int RECENT = 4096;

    private final SplittableRandom random;
    private final LongPredicate isLive;
    private final long[] recentKeys = new long[RECENT];
    private final Map<Long, Long> lastPrice = new HashMap<>();
    private int recentCount;
    private long midTicks = START_MID_TICKS;
    private long nextClientOrderId = 1;

    /**
     * @param isLive tells whether a key is live in the book (the reference model's view), so that most
     *               cancels and replaces hit a live order.
     */
    RandomCommands(final long seed, final LongPredicate isLive)
    {
        random = new SplittableRandom(seed);
        this.isLive = isLive;
    }

    BookCommand next()
    {
        walkMid();
        final int roll = random.nextInt(1000);
        if (roll < 30)
        {
            return invalid();
        }
        if (roll < 430)
        {
            return newOrder(OrderType.LIMIT);
        }
        if (roll < 490)
        {
            return newOrder(OrderType.IOC);
        }
        if (roll < 530)
        {
            return newOrder(OrderType.MARKET);
        }
        if (roll < 820)
        {
            return new BookCommand.Cancel(pickKey());
        }
        return replace();
    }

    private void walkMid()
    {
        if (random.nextInt(20) == 0)
        {
            final long drift = midTicks > START_MID_TICKS + 50 ? -1 : midTicks < START_MID_TICKS - 50 ? 1 : 0;
            midTicks += random.nextInt(3) - 1 + drift;
        }
    }

    private BookCommand newOrder(final OrderType type)
    {
        final Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
        final long key = newKey();
        final long price = type == OrderType.MARKET ? marketPrice() : price(side);
        lastPrice.put(key, price);
        return new BookCommand.New(key, side, type, price, quantity());
    }

    private BookCommand replace()
    {
        final long key = pickKey();
        final Long previous = lastPrice.get(key);
        final int kind = random.nextInt(10);
        final long price;
        if (previous != null && previous > 0 && kind < 5)
        {
            price = previous;
        }
        else
        {
            price = price(random.nextBoolean() ? Side.BUY : Side.SELL);
        }
        lastPrice.put(key, price);
        return new BookCommand.Replace(key, price, quantity());
    }

    private BookCommand invalid()
    {
        final Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
        final OrderType type = random.nextBoolean() ? OrderType.LIMIT : OrderType.IOC;
        final long price = price(side);
        final long quantity = quantity();
        switch (random.nextInt(12))
        {
            case 0:
                return new BookCommand.New(newKey(), side, type, price + 1 + random.nextInt((int)TICK - 1), quantity);
            case 1:
                return new BookCommand.New(newKey(), side, type, -TICK * random.nextInt(3), quantity);
            case 2:
                return new BookCommand.New(newKey(), side, type, price, -LOT * random.nextInt(3));
            case 3:
                return new BookCommand.New(newKey(), side, type, price, quantity + 1 + random.nextInt((int)LOT - 1));
            case 4:
                return new BookCommand.New(newKey(), random.nextBoolean() ? null : Side.NULL_VAL, type, price, quantity);
            case 5:
                return new BookCommand.New(newKey(), side, random.nextBoolean() ? null : OrderType.NULL_VAL, price, quantity);
            case 6:
                return new BookCommand.New(pickKey(), side, type, price, quantity);
            case 7:
                return new BookCommand.Cancel(newKey());
            case 8:
                return new BookCommand.Replace(pickKey(), price + 1 + random.nextInt((int)TICK - 1), quantity);
            case 9:
                return new BookCommand.Replace(pickKey(), -TICK * random.nextInt(3), quantity);
            case 10:
                return new BookCommand.Replace(pickKey(), price, random.nextBoolean() ? 0 : quantity + 3);
            default:
                return new BookCommand.Replace(newKey(), price, quantity);
        }
    }

    private long newKey()
    {
        final long participant = random.nextInt(8);
        final long key = participant << 40 | nextClientOrderId++;
        recentKeys[recentCount++ % RECENT] = key;
        return key;
    }

    /**
     * @return a recent key, live in most cases.
     */
    private long pickKey()
    {
        final int available = Math.min(recentCount, RECENT);
        if (available == 0)
        {
            return 1;
        }
        long key = recentKeys[random.nextInt(available)];
        for (int attempt = 0; attempt < 8 && !isLive.test(key); attempt++)
        {
            key = recentKeys[random.nextInt(available)];
        }
        return key;
    }

    /**
     * A price around the mid: mostly a few ticks on the passive side, sometimes through the mid.
     */
    private long price(final Side side)
    {
        final int distance = random.nextInt(100) < 85 ? random.nextInt(12) : random.nextInt(40);
        final int aggression = random.nextInt(100) < 20 ? random.nextInt(6) : 0;
        final long ticks = side == Side.BUY ? midTicks - distance + aggression : midTicks + distance - aggression;
        return Math.max(1, ticks) * TICK;
    }

    private long marketPrice()
    {
        final int kind = random.nextInt(4);
        return kind == 0 ? 0 : kind == 1 ? -7 : kind == 2 ? OrderBook.NULL_PRICE : midTicks * TICK + 3;
    }

    private long quantity()
    {
        final int roll = random.nextInt(100);
        if (roll < 80)
        {
            return LOT * (1 + random.nextInt(10));
        }
        if (roll < 97)
        {
            return LOT * (10 + random.nextInt(40));
        }
        return LOT * (50 + random.nextInt(300));
    }
}
