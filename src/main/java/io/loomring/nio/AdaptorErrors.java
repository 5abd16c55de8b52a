package io.loomring.nio;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * The adaptors' one translation of a channel's exceptions into the {@code java.net} ones a
 * {@link java.net.Socket} or {@link java.net.ServerSocket} throws, as the JDK's adaptors do
 * ({@code "Socket is closed"}, {@code "Socket is not connected"}, ...).
 */
final class AdaptorErrors {
    private AdaptorErrors() {}

    /** The {@code java.net} exception for {@code e}, thrown by a channel the adaptor called. */
    static IOException translate(Exception e) {
        return switch (e) {
            case ClosedChannelException c -> withCause(new SocketException("Socket is closed"), c);
            case NotYetConnectedException c -> withCause(new SocketException("Socket is not connected"), c);
            case NotYetBoundException c -> withCause(new SocketException("Socket is not bound yet"), c);
            case AlreadyBoundException c -> withCause(new SocketException("Already bound"), c);
            case UnresolvedAddressException c -> withCause(new UnknownHostException(), c);
            case UnsupportedAddressTypeException c -> withCause(new SocketException("Unsupported address type"), c);
            case IOException io -> io;
            case RuntimeException r -> throw r;
            default -> withCause(new SocketException(e.getMessage()), e);
        };
    }

    /** {@link #translate}, as the {@link SocketException} an option call of {@code java.net} throws. */
    static SocketException asSocketException(IOException e) {
        IOException t = translate(e);
        return t instanceof SocketException se ? se : new SocketException(t.getMessage(), t);
    }

    /** Sets an option of {@code channel} for an adaptor, with {@code java.net}'s exception. */
    static <T> void setOption(NetworkChannel channel, SocketOption<T> name, T value) throws SocketException {
        try {
            channel.setOption(name, value);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    /** Reads an option of {@code channel} for an adaptor, with {@code java.net}'s exception. */
    static <T> T getOption(NetworkChannel channel, SocketOption<T> name) throws SocketException {
        try {
            return channel.getOption(name);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    private static <T extends IOException> T withCause(T e, Exception cause) {
        e.initCause(cause);
        return e;
    }
}
