package io.tickwire.client;

import io.tickwire.codecs.json.Channel;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The seam between the client's logic and a wire format: encodes requests, decodes server messages into a
 * {@link WireHandler}. The client's state machine (streams, resume, books, checksums) sees only decoded
 * values, so a binary subprotocol plugs in as another implementation selected by {@link WireProtocol}, with
 * the same sequence model. Called only from the client's serial lane: implementations may keep reusable
 * state and need not be thread safe.
 */
interface WireCodec
{
    /**
     * @return the WebSocket subprotocol this codec speaks (offered in {@code Sec-WebSocket-Protocol}).
     */
    String subprotocol();

    /**
     * @param from  the seq to resume after, or -1 for a plain subscribe.
     * @param epoch the journal identity the resume position comes from, or null.
     */
    WireFrame subscribe(long id, Subscription subscription, List<String> symbols, long from, String epoch);

    WireFrame unsubscribe(long id, Channel channel, List<String> symbols);

    WireFrame resync(long id, Channel channel, List<String> symbols);

    WireFrame ping(long id);

    WireFrame instruments(long id);

    /**
     * Decodes one complete text message.
     */
    void decode(CharSequence text, WireHandler handler);

    /**
     * Decodes one complete binary message.
     */
    void decode(ByteBuffer binary, WireHandler handler);
}
