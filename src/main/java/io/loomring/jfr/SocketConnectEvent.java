package io.loomring.jfr;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Throttle;
import jdk.jfr.Timespan;

/** A connect of a Loomring socket or socket channel that succeeded; the peer it reached. */
@Name("io.loomring.SocketConnect")
@Label("Loomring Socket Connect")
@Category({"Loomring", "Socket"})
@Description("Connecting a socket or socket channel served by Loomring")
@Threshold("1 ms")
@Throttle("100/s")
@StackTrace(true)
public final class SocketConnectEvent extends PeerEvent {
    @Label("Timeout Value")
    @Timespan(Timespan.MILLISECONDS)
    long timeout;

    /** Sets the fields when the settings want this event: true then, and the caller commits it. */
    boolean fill(SocketAddress remote, long timeoutNanos) {
        end(); // a throttled event decides only once its duration is fixed
        if (!shouldCommit()) {
            return false;
        }
        peer(remote);
        timeout = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        return true;
    }
}
