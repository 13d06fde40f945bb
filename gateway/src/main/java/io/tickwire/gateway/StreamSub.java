package io.tickwire.gateway;

import io.tickwire.codecs.json.Channel;

/**
 * One session's subscription to one stream (channel, instrument). Owned by the gateway agent thread.
 */
final class StreamSub
{
    final ClientSession session;
    final Channel channel;
    final GwInstrument instrument;
    final DepthView view;
    /** seq of the last message sent on this subscription: the {@code prev} of the next one. */
    long lastSentSeq;
    /** Minimum nanoseconds between two messages (maxHz); 0 for no limit. */
    long minIntervalNanos;
    long lastSendNanos;
    /** {@code "policy":"close"}: falling behind closes the session (4008) instead of conflating. */
    boolean closeOnLag;
    /** Behind: the next message will be a conflated catch-up. */
    boolean dirty;
    /** A trades subscription replaying missed trades (live dispatch skips it), or null once live. */
    Resumes.Resume resume;
    /** For a dirty book subscription: the client's view when it fell behind. */
    final DepthView.Levels clientView;

    StreamSub(final ClientSession session, final Channel channel, final GwInstrument instrument, final DepthView view)
    {
        this.session = session;
        this.channel = channel;
        this.instrument = instrument;
        this.view = view;
        this.clientView = view != null ? new DepthView.Levels(view.depth) : null;
    }
}
