/**
 * JFR events of Loomring's sockets, files and carriers, in the style of the JDK's own
 * ({@code jdk.SocketRead}, {@code jdk.FileRead}): an operator sees Loomring's I/O in the same
 * recordings, tools and thresholds.
 *
 * <p>Loading any {@link jdk.jfr.Event} subclass starts JFR's machinery (about 0.2 s and a few MB in a
 * JVM without JFR), so the I/O paths touch no event class until the flight recorder exists:
 * {@link io.loomring.jfr.EventGate} learns that from a {@link jdk.jfr.FlightRecorderListener} and
 * stays a single field read until then. With a recorder running, an event that is disabled costs an
 * object the JIT removes and a flag read; an enabled one a timestamp at each end.
 *
 * <p>The events and their settings are listed in {@code docs/jfr.md}; the settings files
 * {@code loomring.jfc} and {@code loomring-profile.jfc} in this package (and in the jar) turn
 * them on the way the JDK's {@code default.jfc} and {@code profile.jfc} turn on the JDK's.
 */
package io.loomring.jfr;
