package io.tickwire.client;

import java.util.List;

/**
 * What a {@link WireCodec} decodes inbound messages into. Implemented by the client's conductor; the
 * flyweights passed are valid only during the call. {@code id} is the request id of a reply, {@link #NO_ID}
 * when the message had none (or one this client cannot have sent).
 */
interface WireHandler
{
    long NO_ID = -1;

    /**
     * @return the instrument with this symbol (for its scales), or null if the client does not know it.
     */
    Instrument instrument(CharSequence symbol);

    /**
     * @return the instrument with this id (binary messages name instruments by id), or null if the client does
     * not know it.
     */
    Instrument instrument(int instrumentId);

    void onTrade(Trade trade);

    void onBook(BookUpdate update);

    void onTicker(Ticker ticker);

    void onHeartbeat(long seq);

    void onSubscribed(long id, Subscribed reply);

    void onUnsubscribed(long id);

    void onPong(long id, long seq);

    void onInstruments(long id, List<Instrument> instruments);

    void onErrorReply(long id, String code, String message);

    /**
     * A message that could not be decoded (or names an unknown instrument): dropped.
     */
    void onMalformed(String description, Throwable cause);

    /**
     * The peer does not speak the negotiated protocol (a binary message of another SBE schema): the connection
     * is of no use and is dropped.
     */
    void onProtocolViolation(String description);
}
