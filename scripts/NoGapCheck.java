import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebSocket client that subscribes to the trades and books of every instrument of a gateway and checks that every
 * stream's {@code prev} chain is unbroken for a number of seconds. Prints {@code NOGAP OK ...} and exits 0, or
 * {@code GAP ...} and exits 1. Single-file program, JDK only:
 * {@code java scripts/NoGapCheck.java ws://127.0.0.1:8081/stream 20}. Used by scripts/netns-loss.sh.
 */
public final class NoGapCheck implements WebSocket.Listener
{
    private static final Pattern TYPE = Pattern.compile("\"type\":\"(\\w+)\"");
    private static final Pattern SYMBOL = Pattern.compile("\"symbol\":\"([^\"]+)\"");
    private static final Pattern SYMBOLS = Pattern.compile("\"symbols\":\\[([^\\]]*)\\]");
    private static final Pattern CHANNEL = Pattern.compile("\"channel\":\"(\\w+)\"");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final Pattern PREV = Pattern.compile("\"prev\":(\\d+)");

    private final StringBuilder part = new StringBuilder();
    private final Map<String, Long> last = new HashMap<>();
    private final CountDownLatch instruments = new CountDownLatch(1);
    private volatile String symbolList;
    private volatile String gap;
    private long messages;
    private long trades;
    private long lastSeq;

    public static void main(final String[] args) throws Exception
    {
        final NoGapCheck check = new NoGapCheck();
        final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(URI.create(args[0]), check).get(30, TimeUnit.SECONDS);
        ws.sendText("{\"op\":\"instruments\",\"id\":1}", true).get();
        if (!check.instruments.await(30, TimeUnit.SECONDS))
        {
            System.out.println("GAP-CHECK FAILED: no instruments reply");
            System.exit(1);
        }
        ws.sendText("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"trades\",\"symbols\":[" + check.symbolList + "]}", true).get();
        ws.sendText("{\"op\":\"subscribe\",\"id\":3,\"channel\":\"book\",\"symbols\":[" + check.symbolList +
            "],\"depth\":5}", true).get();
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        while (System.nanoTime() < end && check.gap == null)
        {
            Thread.sleep(100);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        synchronized (check)
        {
            if (check.gap != null || check.trades == 0)
            {
                System.out.println("GAP " + (check.gap != null ? check.gap : "no trades at all"));
                System.exit(1);
            }
            System.out.println("NOGAP OK streams=" + check.last.size() + " messages=" + check.messages + " trades=" +
                check.trades + " lastSeq=" + check.lastSeq);
        }
        System.exit(0);
    }

    @Override
    public CompletionStage<?> onText(final WebSocket ws, final CharSequence data, final boolean lastPart)
    {
        part.append(data);
        if (lastPart)
        {
            onMessage(part.toString());
            part.setLength(0);
        }
        ws.request(1);
        return null;
    }

    private synchronized void onMessage(final String m)
    {
        final String type = find(TYPE, m);
        if ("instruments".equals(type))
        {
            final StringBuilder list = new StringBuilder();
            final Matcher s = SYMBOL.matcher(m);
            while (s.find())
            {
                list.append(list.length() > 0 ? "," : "").append('"').append(s.group(1)).append('"');
            }
            symbolList = list.toString();
            instruments.countDown();
        }
        else if ("subscribed".equals(type))
        {
            final String channel = find(CHANNEL, m);
            for (final String symbol : find(SYMBOLS, m).split(","))
            {
                last.put(channel + "/" + symbol.replace("\"", ""), Long.parseLong(find(SEQ, m)));
            }
        }
        else if ("trade".equals(type) || "book".equals(type))
        {
            messages++;
            final String key = ("trade".equals(type) ? "trades" : "book") + "/" + find(SYMBOL, m);
            final long seq = Long.parseLong(find(SEQ, m));
            final long prev = Long.parseLong(find(PREV, m));
            final Long expected = last.get(key);
            if (expected == null || prev != expected)
            {
                gap = key + " expected prev " + expected + " got " + m;
            }
            last.put(key, seq);
            lastSeq = Math.max(lastSeq, seq);
            if ("trade".equals(type))
            {
                trades++;
            }
        }
        else if ("error".equals(type))
        {
            gap = "error reply " + m;
        }
    }

    @Override
    public CompletionStage<?> onClose(final WebSocket ws, final int code, final String reason)
    {
        if (code != WebSocket.NORMAL_CLOSURE)
        {
            gap = "closed " + code + " " + reason;
        }
        return null;
    }

    private static String find(final Pattern p, final String text)
    {
        final Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "";
    }
}
