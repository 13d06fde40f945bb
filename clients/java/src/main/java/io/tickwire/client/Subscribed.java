package io.tickwire.client;

import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.ResumeResult;

import java.util.List;

/**
 * The gateway's {@code subscribed} reply, the value of {@link TickwireClient#subscribe}'s future.
 *
 * @param channel   the channel.
 * @param symbols   the symbols subscribed.
 * @param seq       the gateway's last applied seq when it served the request.
 * @param depth     the book depth served; 0 for other channels.
 * @param recovered whether a resume was asked for ({@code from}) and served.
 * @param epoch     the identity of the gateway's journal, sent back on resume; null if the gateway sends none.
 */
public record Subscribed(Channel channel, List<String> symbols, long seq, int depth, ResumeResult recovered,
    String epoch)
{
}
