package io.loomring.examples;

import io.loomring.Backend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how an example server listens, as given on the command line.
 *
 * @param host    the address to bind, {@code 127.0.0.1} by default
 * @param port    the TCP port; 0 lets the kernel pick a free one
 * @param backend the Loomring backend to wait with
 * @param mode     the variant to run ({@code null} when not given): for echo, http and resp
 *                 {@code carriers} (the default: connection threads carried by the scheduler's
 *                 carriers) or {@code shared} (ordinary virtual threads, the carriers only poll);
 *                 for selector-vs-threads {@code threads} or {@code selector}
 * @param carriers the scheduler's carrier count, or 0 for its default (available processors)
 * @param readiness true for {@code --io readiness}: sockets on carried threads stay in readiness
 *                  mode instead of reading and writing through the ring
 * @param subPollers the scheduler's sub-poller count (for ordinary virtual threads), or -1 for its
 *                   default
 * @param requestTimeout {@code --request-timeout}: how long a request may take to arrive (see
 *                       {@link ReadTimeouts#request()}), zero for no limit, {@code null} for the
 *                       example's default
 * @param idleTimeout {@code --idle-timeout}: how long a connection may wait for its next request
 *                    (see {@link ReadTimeouts#idle()}), zero for no limit, {@code null} for the
 *                    example's default
 */
public record ServerConfig(String host, int port, Backend backend, String mode, int carriers, boolean readiness,
                           int subPollers, Duration requestTimeout, Duration idleTimeout) {
    /** The address bound when {@code --host} is not given. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The longest timeout accepted, in seconds: a day, beyond which a limit is no limit in practice. */
    public static final long MAX_TIMEOUT_SECONDS = 24 * 60 * 60;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the port is outside 0..65535 or the host is blank
     */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(backend, "backend");
        if (host.isBlank()) {
            throw new IllegalArgumentException("--host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535: " + port);
        }
        if (carriers < 0 || carriers > 1024) {
            throw new IllegalArgumentException("--carriers must be in 1..1024: " + carriers);
        }
        if (subPollers < -1 || subPollers > 1024) {
            throw new IllegalArgumentException("--sub-pollers must be in 0..1024: " + subPollers);
        }
        checkTimeout("--request-timeout", requestTimeout);
        checkTimeout("--idle-timeout", idleTimeout);
    }

    /** The values without timeouts given (each example's defaults). */
    public ServerConfig(String host, int port, Backend backend, String mode, int carriers, boolean readiness,
                        int subPollers) {
        this(host, port, backend, mode, carriers, readiness, subPollers, null, null);
    }

    /** The values without sub-pollers or timeouts given (the scheduler's and the example's defaults). */
    public ServerConfig(String host, int port, Backend backend, String mode, int carriers, boolean readiness) {
        this(host, port, backend, mode, carriers, readiness, -1);
    }

    /** True unless {@code --mode shared} asked for ordinary virtual threads. */
    public boolean carried() {
        return !"shared".equals(mode);
    }

    /** The timeouts given on the command line, each one not given taken from {@code defaults}. */
    public ReadTimeouts timeouts(ReadTimeouts defaults) {
        return new ReadTimeouts(requestTimeout != null ? requestTimeout : defaults.request(),
                idleTimeout != null ? idleTimeout : defaults.idle());
    }

    /** True when {@code --request-timeout} or {@code --idle-timeout} was given. */
    public boolean timeoutsGiven() {
        return requestTimeout != null || idleTimeout != null;
    }

    /** A configuration for the loopback address and {@link Backend#AUTO}. */
    public static ServerConfig loopback(int port, Backend backend) {
        return new ServerConfig(DEFAULT_HOST, port, backend, null, 0, false);
    }

    /**
     * Parses {@code --port N [--host H] [--backend io_uring|epoll|auto] [--mode M] [--carriers N]
     * [--io completion|readiness] [--sub-pollers N] [--request-timeout SECONDS]
     * [--idle-timeout SECONDS]}.
     *
     * @throws IllegalArgumentException on a missing port, an unknown option or a bad value
     */
    public static ServerConfig parse(String[] args) {
        String host = DEFAULT_HOST;
        Integer port = null;
        Backend backend = Backend.AUTO;
        String mode = null;
        int carriers = 0;
        int subPollers = -1;
        boolean readiness = false;
        Duration requestTimeout = null;
        Duration idleTimeout = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(option.startsWith("--")
                        ? option + " needs a value" : "unexpected argument '" + option + "'");
            }
            String value = args[++i];
            switch (option) {
                case "--host" -> host = value;
                case "--port" -> port = parsePort(value);
                case "--backend" -> backend = Backend.parse(value);
                case "--mode" -> mode = value;
                case "--carriers" -> carriers = parseCount(option, value, 1);
                case "--sub-pollers" -> subPollers = parseCount(option, value, 0);
                case "--request-timeout" -> requestTimeout = parseSeconds(option, value);
                case "--idle-timeout" -> idleTimeout = parseSeconds(option, value);
                case "--io" -> readiness = switch (value) {
                    case "completion" -> false;
                    case "readiness" -> true;
                    default -> throw new IllegalArgumentException("--io must be completion or readiness: '" + value + "'");
                };
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        return new ServerConfig(host, port, backend, mode, carriers, readiness, subPollers, requestTimeout,
                idleTimeout);
    }

    /**
     * The socket address to bind.
     *
     * @throws IllegalArgumentException if the host name does not resolve
     */
    public InetSocketAddress address() {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("--host '" + host + "' does not resolve to an address");
        }
        return address;
    }

    /** A count option's value, at least {@code min} (the upper bound is checked by the record). */
    private static int parseCount(String option, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n < min) {
                throw new IllegalArgumentException(option + " must be in " + min + "..1024: " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number: '" + value + "'");
        }
    }

    /** A timeout option's value: whole seconds, 0 for no limit (the range is checked by the record). */
    private static Duration parseSeconds(String option, String value) {
        try {
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number of seconds: '" + value + "'");
        }
    }

    private static void checkTimeout(String option, Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.toSeconds() > MAX_TIMEOUT_SECONDS)) {
            throw new IllegalArgumentException(option + " must be in 0.." + MAX_TIMEOUT_SECONDS + " seconds: "
                    + timeout.toSeconds());
        }
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number: '" + value + "'");
        }
    }
}
