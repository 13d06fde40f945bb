package io.tickwire.perf.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal Netty 4.2 WebSocket broadcast server: a peer of the fan-out rig ({@code --target netty}), written as
 * a competent hand-written Netty broadcaster would be. Epoll transport when available (NIO otherwise),
 * {@code --threads} worker event loops (default 2). Clients connect to {@code /stream}, send
 * {@code {"op":"subscribe",...,"symbols":["SYMnnnn",..]}} and get {@code {"type":"subscribed"}}; each is then
 * in its event loop's per-symbol list ({@link Shard}). The driver's feed connection
 * ({@link io.tickwire.perf.rig.TickStream} records, a length-field frame decoder) collects the records of one
 * read; when the read completes it hands them to each event loop in one task, which writes each JSON as a text
 * frame to that loop's subscribers of the symbol (shared bytes, a duplicate per channel, void promises) and
 * flushes each channel once (so several frames go out per write). Every write happens on the channel's own
 * loop: no lock, no per-write task. No conflation, no bound.
 * <p>
 * (A first version wrote through one {@code ChannelGroup} per symbol from the feed's loop; with 2 loops and
 * 1,000 clients it delivered nothing in most runs (its channels were closed during the run; the cause was not
 * isolated), with 1 loop it worked: this
 * version is what a Netty user who cares about fan-out writes.)
 * <p>
 * Arguments: {@code --symbols K [--threads T] [--ws-port P] [--feed-port F]}; prints
 * {@code READY ws=<port> feed=<port> transport=<epoll|nio>}; exits when stdin ends.
 */
public final class NettyPeer
{
    private NettyPeer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int symbols = 100;
        int threads = 2;
        int wsPort = 0;
        int feedPort = 0;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--symbols" -> symbols = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--ws-port" -> wsPort = Integer.parseInt(args[i + 1]);
                case "--feed-port" -> feedPort = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        final Class<? extends ServerChannel> serverClass =
            epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, io);
        final Shards shards = new Shards(symbols);
        try
        {
            final Channel ws = new ServerBootstrap().group(boss, workers).channel(serverClass)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536),
                            new WebSocketServerProtocolHandler("/stream"), new SubscribeHandler(shards));
                    }
                })
                .bind("127.0.0.1", wsPort).sync().channel();
            final Channel feed = new ServerBootstrap().group(boss, workers).channel(serverClass)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4),
                            new FeedHandler(shards));
                    }
                })
                .bind("127.0.0.1", feedPort).sync().channel();
            System.out.println("READY ws=" + ((InetSocketAddress)ws.localAddress()).getPort() + " feed=" +
                ((InetSocketAddress)feed.localAddress()).getPort() + " transport=" + (epoll ? "epoll" : "nio"));
            System.out.flush();
            while (System.in.read() >= 0)
            {
                continue;
            }
        }
        finally
        {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }
    }

    /**
     * One worker event loop's subscribers: per symbol the channels of that loop. Touched only by its loop (the
     * subscribe handler and the broadcast task run there), so there is no lock and no cross-thread write.
     */
    static final class Shard
    {
        final EventLoop loop;
        final List<List<Channel>> bySymbol = new ArrayList<>();
        final List<Channel> touched = new ArrayList<>();
        final Set<Channel> touchedSet = new HashSet<>();

        Shard(final EventLoop loop, final int symbols)
        {
            this.loop = loop;
            for (int s = 0; s < symbols; s++)
            {
                bySymbol.add(new ArrayList<>());
            }
        }

        /** Writes each (symbol, JSON) to the symbol's channels of this loop, then flushes each channel once. */
        void broadcast(final int[] symbols, final ByteBuf[] messages, final int count)
        {
            for (int i = 0; i < count; i++)
            {
                for (final Channel ch : bySymbol.get(symbols[i]))
                {
                    ch.write(new TextWebSocketFrame(messages[i].retainedDuplicate()), ch.voidPromise());
                    if (touchedSet.add(ch))
                    {
                        touched.add(ch);
                    }
                }
                messages[i].release();
            }
            for (final Channel ch : touched)
            {
                ch.flush();
            }
            touched.clear();
            touchedSet.clear();
        }
    }

    /** The shards by event loop. */
    static final class Shards
    {
        final Map<EventLoop, Shard> byLoop = new ConcurrentHashMap<>();
        final int symbols;

        Shards(final int symbols)
        {
            this.symbols = symbols;
        }

        Shard of(final EventLoop loop)
        {
            return byLoop.computeIfAbsent(loop, l -> new Shard(l, symbols));
        }
    }

    /** Reads the subscribe request and adds the channel to its loop's shard for each symbol. */
    static final class SubscribeHandler extends SimpleChannelInboundHandler<TextWebSocketFrame>
    {
        private final Shards shards;

        SubscribeHandler(final Shards shards)
        {
            this.shards = shards;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final TextWebSocketFrame frame)
        {
            final String text = frame.text();
            if (!text.contains("\"subscribe\""))
            {
                return;
            }
            final Channel channel = ctx.channel();
            final Shard shard = shards.of(channel.eventLoop());
            int at = 0;
            while ((at = text.indexOf("SYM", at)) >= 0 && at + 7 <= text.length())
            {
                final int s = Integer.parseInt(text, at + 3, at + 7, 10);
                if (s < shards.symbols)
                {
                    final List<Channel> list = shard.bySymbol.get(s);
                    list.add(channel);
                    channel.closeFuture().addListener(f -> list.remove(channel));
                }
                at += 7;
            }
            ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"subscribed\",\"channel\":\"trades\",\"seq\":0}"));
        }
    }

    /**
     * Collects the records of one feed read; when the read completes, hands them to every shard in one task
     * per event loop (inline for its own loop).
     */
    static final class FeedHandler extends SimpleChannelInboundHandler<ByteBuf>
    {
        private final Shards shards;
        private int[] symbols = new int[1024];
        private ByteBuf[] messages = new ByteBuf[1024];
        private int count;

        FeedHandler(final Shards shards)
        {
            this.shards = shards;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf record)
        {
            if (count == symbols.length)
            {
                symbols = Arrays.copyOf(symbols, count * 2);
                messages = Arrays.copyOf(messages, count * 2);
            }
            symbols[count] = record.readInt();
            record.skipBytes(29 - 4);
            messages[count] = record.retainedSlice();
            count++;
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            if (count == 0)
            {
                return;
            }
            final int n = count;
            final int[] syms = Arrays.copyOf(symbols, n);
            final ByteBuf[] msgs = Arrays.copyOf(messages, n);
            count = 0;
            for (final Shard shard : shards.byLoop.values())
            {
                final ByteBuf[] own = new ByteBuf[n];
                for (int i = 0; i < n; i++)
                {
                    own[i] = msgs[i].retainedDuplicate();
                }
                if (shard.loop.inEventLoop())
                {
                    shard.broadcast(syms, own, n);
                }
                else
                {
                    shard.loop.execute(() -> shard.broadcast(syms, own, n));
                }
            }
            for (int i = 0; i < n; i++)
            {
                msgs[i].release();
            }
        }
    }
}
