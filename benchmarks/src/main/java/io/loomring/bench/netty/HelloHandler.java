package io.loomring.bench.netty;

import io.loomring.examples.http.HttpHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Answers like the examples' {@code HttpHandler}, byte for byte: {@code GET /} gets
 * {@code Hello, World!} with {@code Content-Type}, {@code Content-Length} and {@code Date} in that
 * order and spelling, {@code GET /big} its 64 KiB body ({@link HttpHandler#bigBody()}, in one
 * direct buffer made at start-up) with the same headers, other paths 404, other methods 405; {@code Connection: close} closes after
 * the response. Responses are written as requests arrive and flushed once per read batch, so a
 * pipeline is answered with one write, as the example does.
 */
final class HelloHandler extends ChannelInboundHandlerAdapter {
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    private static final AsciiString DATE = AsciiString.cached("Date");
    private static final AsciiString CONNECTION = AsciiString.cached("Connection");
    private static final AsciiString ALLOW = AsciiString.cached("Allow");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString HELLO_LENGTH = AsciiString.cached("13");
    private static final AsciiString ZERO = AsciiString.cached("0");
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(13).writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)));
    private static final ByteBuf BIG = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(HttpHandler.BIG_LENGTH).writeBytes(HttpHandler.bigBody()));
    private static final AsciiString BIG_LENGTH = AsciiString.cached(String.valueOf(HttpHandler.BIG_LENGTH));
    // The header names and values are constants known to be valid: skip the per-add validation.
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final DefaultHttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private record Formatted(long second, AsciiString text) {}

    private static volatile Formatted date = new Formatted(Long.MIN_VALUE, AsciiString.EMPTY_STRING);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                respond(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static void respond(ChannelHandlerContext ctx, HttpRequest request) {
        boolean get = request.method().equals(HttpMethod.GET);
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        FullHttpResponse response;
        if (!get && !request.method().equals(HttpMethod.HEAD)) {
            response = empty(HttpResponseStatus.METHOD_NOT_ALLOWED);
            response.headers().add(ALLOW, "GET, HEAD");
        } else if (path.equals("/")) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    get ? HELLO.duplicate() : Unpooled.EMPTY_BUFFER, HEADERS, TRAILERS);
            response.headers().add(CONTENT_TYPE, TEXT_PLAIN).add(CONTENT_LENGTH, HELLO_LENGTH);
        } else if (path.equals(HttpHandler.BIG_PATH)) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    get ? BIG.duplicate() : Unpooled.EMPTY_BUFFER, HEADERS, TRAILERS);
            response.headers().add(CONTENT_TYPE, TEXT_PLAIN).add(CONTENT_LENGTH, BIG_LENGTH);
        } else {
            response = empty(HttpResponseStatus.NOT_FOUND);
        }
        HttpHeaders headers = response.headers();
        headers.add(DATE, now());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            headers.add(CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                headers.add(CONNECTION, "keep-alive");
            }
            ctx.write(response, ctx.voidPromise());
        }
    }

    private static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.EMPTY_BUFFER, HEADERS, TRAILERS);
        response.headers().add(CONTENT_TYPE, TEXT_PLAIN).add(CONTENT_LENGTH, ZERO);
        return response;
    }

    /** The Date value, formatted once per second. */
    private static AsciiString now() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000L);
        Formatted f = date;
        if (f.second() != second) {
            f = new Formatted(second, new AsciiString(IMF_FIXDATE.format(Instant.ofEpochSecond(second))));
            date = f;
        }
        return f.text();
    }
}
