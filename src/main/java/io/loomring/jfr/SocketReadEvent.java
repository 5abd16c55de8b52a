package io.loomring.jfr;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Throttle;
import jdk.jfr.Timespan;

/** A read from a Loomring socket or socket channel: the fields of {@code jdk.SocketRead}. */
@Name("io.loomring.SocketRead")
@Label("Loomring Socket Read")
@Category({"Loomring", "Socket"})
@Description("Reading data from a socket or socket channel served by Loomring")
@Threshold("1 ms")
@Throttle("100/s")
@StackTrace(true)
public final class SocketReadEvent extends PeerEvent {
    @Label("Timeout Value")
    @Timespan(Timespan.MILLISECONDS)
    long timeout;

    @Label("Bytes Read")
    @Description("Number of bytes read from the socket")
    @DataAmount
    long bytesRead;

    @Label("End of Stream")
    @Description("If end of stream was reached")
    boolean endOfStream;

    /** Sets the fields when the settings want this event: true then, and the caller commits it. */
    boolean fill(SocketAddress remote, long n, long timeoutNanos) {
        end(); // a throttled event decides only once its duration is fixed
        if (!shouldCommit()) {
            return false;
        }
        peer(remote);
        timeout = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        bytesRead = Math.max(0, n);
        endOfStream = n < 0;
        return true;
    }
}
