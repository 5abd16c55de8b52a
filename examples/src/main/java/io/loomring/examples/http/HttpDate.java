package io.loomring.examples.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} field value (RFC 9110 5.6.7, IMF-fixdate), formatted once per second rather
 * than once per response.
 */
final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private record Formatted(long second, byte[] ascii) {}

    // Racy on purpose: threads that see a stale second format it again and publish an equal value.
    private static volatile Formatted current = new Formatted(Long.MIN_VALUE, new byte[0]);

    private HttpDate() {}

    /** The current time, for example {@code Sun, 06 Nov 1994 08:49:37 GMT}, as ASCII bytes. */
    static byte[] now() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000L);
        Formatted f = current;
        if (f.second() != second) {
            f = new Formatted(second,
                    IMF_FIXDATE.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII));
            current = f;
        }
        return f.ascii();
    }
}
