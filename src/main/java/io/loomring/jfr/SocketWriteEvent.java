package io.loomring.jfr;

import java.net.SocketAddress;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Throttle;

/**
 * A write to a Loomring socket or socket channel: the fields of {@code jdk.SocketWrite}. A write
 * that the socket sends behind the caller (write-behind) ends when the bytes are taken.
 */
@Name("io.loomring.SocketWrite")
@Label("Loomring Socket Write")
@Category({"Loomring", "Socket"})
@Description("Writing data to a socket or socket channel served by Loomring")
@Threshold("1 ms")
@Throttle("100/s")
@StackTrace(true)
public final class SocketWriteEvent extends PeerEvent {
    @Label("Bytes Written")
    @Description("Number of bytes written to the socket")
    @DataAmount
    long bytesWritten;

    /** Sets the fields when the settings want this event: true then, and the caller commits it. */
    boolean fill(SocketAddress remote, long n) {
        end(); // a throttled event decides only once its duration is fixed
        if (!shouldCommit()) {
            return false;
        }
        peer(remote);
        bytesWritten = Math.max(0, n);
        return true;
    }
}
