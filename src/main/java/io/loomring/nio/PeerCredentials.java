package io.loomring.nio;

import io.loomring.ffm.Native;
import io.loomring.ffm.Sockets;
import io.loomring.socket.SocketErrors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.stream.Stream;
import jdk.net.UnixDomainPrincipal;

/**
 * {@code SO_PEERCRED} of a UNIX-domain socket as the JDK reports it: the peer's user and group,
 * looked up by name where {@code /etc/passwd} and {@code /etc/group} name them (by number
 * otherwise, which the JDK's lookup also accepts).
 */
final class PeerCredentials {
    private PeerCredentials() {}

    private static final int SO_PEERCRED = 17;
    /** {@code struct ucred}: pid, uid, gid. */
    private static final int UCRED_SIZE = 12;

    static UnixDomainPrincipal of(int fd) throws IOException {
        int uid;
        int gid;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cred = arena.allocate(UCRED_SIZE, 4);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, UCRED_SIZE);
            int r = Sockets.getsockopt(Native.threadCaptureState(), fd, Sockets.SOL_SOCKET, SO_PEERCRED, cred, len);
            if (r < 0) {
                throw new SocketException("getsockopt(SO_PEERCRED) failed: " + SocketErrors.describe(-r));
            }
            uid = cred.get(ValueLayout.JAVA_INT, 4);
            gid = cred.get(ValueLayout.JAVA_INT, 8);
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        return new UnixDomainPrincipal(lookup.lookupPrincipalByName(name(Path.of("/etc/passwd"), uid)),
                lookup.lookupPrincipalByGroupName(name(Path.of("/etc/group"), gid)));
    }

    /** The name {@code file} (passwd or group format: name:x:id:...) gives {@code id}, or the number. */
    private static String name(Path file, int id) {
        String number = Integer.toUnsignedString(id);
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> l.split(":", 4))
                    .filter(f -> f.length >= 3 && f[2].equals(number))
                    .map(f -> f[0]).findFirst().orElse(number);
        } catch (IOException | RuntimeException e) {
            return number;
        }
    }
}
