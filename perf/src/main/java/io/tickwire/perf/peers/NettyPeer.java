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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;

/**
 * A minimal Netty 4.2 WebSocket broadcast server: a peer of the fan-out rig ({@code --target netty}), written as
 * a competent hand-written Netty broadcaster would be. Epoll transport when available (NIO otherwise),
 * {@code --threads} worker event loops (default 2). Clients connect to {@code /stream}, send
 * {@code {"op":"subscribe",...,"symbols":["SYMnnnn",..]}} and get {@code {"type":"subscribed"}}; each is then
 * in one {@link ChannelGroup} per symbol. The driver's feed connection ({@link io.tickwire.perf.rig.TickStream}
 * records, a length-field frame decoder) writes each record's JSON as one text frame to the symbol's group
 * ({@code ChannelGroup.write} with void promises: the bytes are shared, each channel gets a duplicate) and flushes the groups it
 * wrote to when the feed read completes (so several frames go out per write). No conflation, no bound.
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
        final ChannelGroup[] groups = new ChannelGroup[symbols];
        for (int s = 0; s < symbols; s++)
        {
            groups[s] = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        }
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
                            new WebSocketServerProtocolHandler("/stream"), new SubscribeHandler(groups));
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
                            new FeedHandler(groups));
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

    /** Reads the subscribe request and adds the channel to its symbols' groups. */
    static final class SubscribeHandler extends SimpleChannelInboundHandler<TextWebSocketFrame>
    {
        private final ChannelGroup[] groups;

        SubscribeHandler(final ChannelGroup[] groups)
        {
            this.groups = groups;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final TextWebSocketFrame frame)
        {
            final String text = frame.text();
            if (!text.contains("\"subscribe\""))
            {
                return;
            }
            int at = 0;
            while ((at = text.indexOf("SYM", at)) >= 0 && at + 7 <= text.length())
            {
                final int s = Integer.parseInt(text, at + 3, at + 7, 10);
                if (s < groups.length)
                {
                    groups[s].add(ctx.channel());
                }
                at += 7;
            }
            ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"subscribed\",\"channel\":\"trades\",\"seq\":0}"));
        }
    }

    /** Broadcasts each feed record's JSON to its symbol's group; flushes the written groups per read. */
    static final class FeedHandler extends SimpleChannelInboundHandler<ByteBuf>
    {
        private final ChannelGroup[] groups;
        private final boolean[] written;

        FeedHandler(final ChannelGroup[] groups)
        {
            this.groups = groups;
            this.written = new boolean[groups.length];
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf record)
        {
            final int symbol = record.readInt();
            record.skipBytes(29 - 4);
            final TextWebSocketFrame frame = new TextWebSocketFrame(record.retainedSlice());
            groups[symbol].write(frame, ChannelMatchers.all(), true); // void promises; releases the frame
            written[symbol] = true;
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            for (int s = 0; s < groups.length; s++)
            {
                if (written[s])
                {
                    written[s] = false;
                    groups[s].flush();
                }
            }
        }
    }
}
