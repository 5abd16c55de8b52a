package io.loomring.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.Charset;

/**
 * {@code sockaddr_un}: the address of a UNIX-domain socket, a path in the file system. Paths are
 * encoded in the platform's file-name encoding ({@code sun.jnu.encoding}), as the JDK's own
 * UNIX-domain channels do.
 */
public final class UnixAddresses {
    private UnixAddresses() {}

    /** {@code AF_UNIX}. */
    public static final int AF_UNIX = 1;
    /** {@code sizeof(sun_path)}: a path holds at most one byte less (its terminating NUL). */
    private static final int PATH_SIZE = 108;
    /** Offset of {@code sun_path}, after {@code sa_family_t}. */
    private static final int PATH_OFFSET = 2;
    private static final Charset PATH_CHARSET = pathCharset();

    /**
     * Encodes {@code address} into {@code dst} (at least {@link Sockets#SOCKADDR_STORAGE_SIZE} bytes).
     *
     * @return the length to pass to {@code bind(2)} or {@code connect(2)}
     * @throws SocketException if the path is longer than a {@code sockaddr_un} holds
     */
    public static int encode(UnixDomainSocketAddress address, MemorySegment dst) throws SocketException {
        byte[] path = address.getPath().toString().getBytes(PATH_CHARSET);
        if (path.length >= PATH_SIZE) {
            throw new SocketException("Unix domain path too long: " + address.getPath());
        }
        dst.asSlice(0, PATH_OFFSET + PATH_SIZE).fill((byte) 0);
        dst.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(path, 0, dst, JAVA_BYTE, PATH_OFFSET, path.length);
        return PATH_OFFSET + path.length + 1;
    }

    /**
     * Decodes a {@code sockaddr_un} of {@code length} bytes (as {@code getsockname(2)},
     * {@code getpeername(2)} or {@code accept4(2)} returned it); an unnamed socket decodes to the
     * empty path.
     */
    public static UnixDomainSocketAddress decode(MemorySegment src, int length) {
        int max = Math.min(length, PATH_OFFSET + PATH_SIZE) - PATH_OFFSET;
        int n = 0;
        while (n < max && src.get(JAVA_BYTE, PATH_OFFSET + n) != 0) {
            n++;
        }
        byte[] path = new byte[n];
        MemorySegment.copy(src, JAVA_BYTE, PATH_OFFSET, path, 0, n);
        return UnixDomainSocketAddress.of(new String(path, PATH_CHARSET));
    }

    private static Charset pathCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
