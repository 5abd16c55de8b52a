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

/**
 * An accept on a Loomring server socket or server socket channel that returned a connection: how
 * long the caller waited for it, and who connected.
 */
@Name("io.loomring.SocketAccept")
@Label("Loomring Socket Accept")
@Category({"Loomring", "Socket"})
@Description("Accepting a connection on a server socket or server socket channel served by Loomring")
@Threshold("1 ms")
@Throttle("100/s")
@StackTrace(true)
public final class SocketAcceptEvent extends PeerEvent {
    @Label("Local Port")
    int localPort;

    @Label("Timeout Value")
    @Timespan(Timespan.MILLISECONDS)
    long timeout;

    /** Sets the fields when the settings want this event: true then, and the caller commits it. */
    boolean fill(SocketAddress remote, int local, long timeoutNanos) {
        end(); // a throttled event decides only once its duration is fixed
        if (!shouldCommit()) {
            return false;
        }
        peer(remote);
        localPort = local;
        timeout = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        return true;
    }
}
