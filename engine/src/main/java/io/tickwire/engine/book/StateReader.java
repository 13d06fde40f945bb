package io.tickwire.engine.book;

/**
 * Reads back what a {@link StateWriter} wrote, in the same order.
 */
public interface StateReader
{
    /**
     * @throws IllegalStateException if the state ends here or is malformed.
     */
    int getInt();

    /**
     * @throws IllegalStateException if the state ends here or is malformed.
     */
    long getLong();
}
