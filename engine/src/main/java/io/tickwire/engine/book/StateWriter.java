package io.tickwire.engine.book;

/**
 * Where a book (and the engine) writes its state for a snapshot: a stream of little-endian primitives. The
 * reading side is {@link StateReader}, which must be called with the same sequence of types.
 */
public interface StateWriter
{
    void putInt(int value);

    void putLong(long value);
}
