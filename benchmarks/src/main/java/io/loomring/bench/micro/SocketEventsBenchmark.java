package io.loomring.bench.micro;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Loomring's JFR socket events cost on the hot path: one 64-byte write and the read of it on a
 * loopback connection (the benchmark's platform thread, the readiness path: the bytes are there
 * when the read asks, so neither call waits), with the flight
 * recorder
 * <ul>
 *   <li>{@code off}: never started (the events' gate stays closed: one field read per call);</li>
 *   <li>{@code eventsDisabled}: recording, Loomring's events disabled (an event object per call,
 *   which the JIT should remove: the GC profiler's bytes per operation tell);</li>
 *   <li>{@code loomringJfc}: recording with the shipped {@code loomring.jfc} (enabled, 20 ms
 *   threshold: two timestamps per call, nothing committed).</li>
 * </ul>
 * JMH forks a JVM per value, so the recorder of one never reaches another.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SocketEventsBenchmark {
    /** The flight recorder's state (see the class comment). */
    @Param({"off", "eventsDisabled", "loomringJfc"})
    public String jfr;

    private IoScheduler scheduler;
    private TcpServerSocket server;
    private TcpSocket client;
    private TcpSocket accepted;
    private Recording recording;
    private final byte[] out = new byte[64];
    private final byte[] in = new byte[64];

    /** Starts the recording the parameter asks for, and connects the pair. */
    @Setup(Level.Trial)
    public void open() throws IOException, ParseException {
        switch (jfr) {
            case "off" -> { }
            case "eventsDisabled" -> {
                recording = new Recording();
                for (String name : new String[] {"SocketRead", "SocketWrite"}) {
                    recording.disable("io.loomring." + name);
                }
                recording.start();
            }
            case "loomringJfc" -> {
                try (Reader jfc = new InputStreamReader(IoScheduler.class.getResourceAsStream("jfr/loomring.jfc"),
                        StandardCharsets.UTF_8)) {
                    recording = new Recording(Configuration.create(jfc));
                }
                recording.start();
            }
            default -> throw new IllegalArgumentException(jfr);
        }
        scheduler = IoScheduler.builder().backend(Backend.AUTO).build();
        server = TcpServerSocket.bind(new InetSocketAddress("127.0.0.1", 0), 4, false, scheduler);
        client = TcpSocket.connect(server.localAddress(), java.time.Duration.ZERO, scheduler);
        accepted = server.accept();
        // Without it Nagle holds each write until the last one's delayed ACK: the read would wait.
        client.setTcpNoDelay(true);
    }

    /** Closes the pair, the scheduler and the recording. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        client.close();
        accepted.close();
        server.close();
        scheduler.close();
        if (recording != null) {
            recording.close();
        }
    }

    /** One write of 64 bytes and the reads that take them on the other end. */
    @Benchmark
    public int writeThenRead() throws IOException {
        client.write(out, 0, out.length);
        int got = 0;
        while (got < in.length) {
            got += accepted.read(in, got, in.length - got);
        }
        return got;
    }
}
