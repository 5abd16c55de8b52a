package io.loomring.bench.netty;

import io.loomring.bench.servers.ServerArgs;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;

/**
 * The reference a Netty user would write: {@link HttpServerCodec} and a handler answering
 * {@code GET /} and {@code GET /big} with the same bytes as the examples' HTTP server, on Netty 4.2's io_uring or epoll
 * transport with a fixed number of event loops.
 * <pre>
 * java -cp benchmarks.jar io.loomring.bench.netty.NettyHttpServer http --port N --transport io_uring|epoll --threads N
 * </pre>
 * prints {@code http listening on 127.0.0.1:PORT (netty-io_uring)} once it listens.
 */
public final class NettyHttpServer {
    private NettyHttpServer() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        ServerArgs a = ServerArgs.parse(args, "http");
        if (!a.name().equals("http")) {
            throw ServerArgs.usage("NettyHttpServer", "http", "only http is served");
        }
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channel;
        switch (a.transport()) {
            case "io_uring" -> {
                IoUring.ensureAvailability();
                factory = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
            }
            case "epoll" -> {
                Epoll.ensureAvailability();
                factory = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("--transport must be io_uring or epoll: " + a.transport());
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(a.threads(), factory);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HelloHandler());
                    }
                })
                .bind(a.host(), a.port()).sync().channel();
        System.out.println(a.readyLine((InetSocketAddress) server.localAddress(), "netty-" + a.transport()));
        System.out.flush();
        server.closeFuture().sync();
        group.shutdownGracefully();
    }
}
