package io.tickwire.engine;

/**
 * What the engine is doing, as shown by the {@code tickwire engine state} counter (its {@link #code()}) and
 * {@link EngineNode#state()}. See docs/reliability.md.
 */
public enum EngineState
{
    /** Taking inputs and journaling them. */
    RUNNING(0),
    /**
     * Not taking inputs: the journal's file system has less free space than {@code minFreeDiskBytes}. Inputs
     * wait in the ingress stream (publishers see back pressure once its window is full); the engine goes on by
     * itself when 1.25 times that space is free again. Nothing was lost or half written.
     */
    PAUSED_DISK_LOW(1),
    /**
     * Stopped for good: a journal append failed (disk full, I/O error) or the engine hit an unexpected error.
     * The input being applied is not journaled and no one saw it; nothing else is taken. Restart the engine
     * (after freeing space): it recovers from the journal.
     */
    HALTED(2);

    private final int code;

    EngineState(final int code)
    {
        this.code = code;
    }

    /**
     * @return the value of the state counter for this state.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return the state with this counter value.
     * @throws IllegalArgumentException if there is none.
     */
    public static EngineState of(final long code)
    {
        for (final EngineState state : values())
        {
            if (state.code == code)
            {
                return state;
            }
        }
        throw new IllegalArgumentException("no engine state " + code);
    }
}
