package io.loomring.bench.micro;

import io.loomring.Backend;
import io.loomring.IoScheduler;
import io.loomring.net.TcpServerSocket;
import io.loomring.net.TcpSocket;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

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
// Epsilon never collects: the class histogram after each iteration counts every event object the
// iteration made, so what the JIT removed and what it did not tell apart exactly (the GC profiler's
// bytes per operation also count the socket path's own buffers, which the JIT removes or not from
// one fork to the next). Prepend: the suite's options replace the annotation's jvmArgsAppend.
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UnlockExperimentalVMOptions",
        "-XX:+UseEpsilonGC", "-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SocketEventsBenchmark {
    /** The flight recorder's state (see the class comment). */
    @Param({"off", "eventsDisabled", "loomringJfc"})
    public String jfr;

    /** The system property naming the directory for {@value #COUNTS_FILE}. */
    static final String OUT_PROPERTY = "loomring.bench.micro.out";
    /** Where each fork appends its count of event objects. */
    static final String COUNTS_FILE = "socket-events.txt";

    private IoScheduler scheduler;
    private TcpServerSocket server;
    private TcpSocket client;
    private TcpSocket accepted;
    private Recording recording;
    private long eventsBefore;
    private boolean measuring;
    private long eventsMeasured;
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

    /** Notes the event objects made so far, before a measured iteration. */
    @Setup(Level.Iteration)
    public void beforeIteration(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        eventsBefore = measuring ? eventObjects() : 0;
    }

    /** Adds the event objects a measured iteration made. */
    @TearDown(Level.Iteration)
    public void afterIteration() {
        if (measuring) {
            eventsMeasured += eventObjects() - eventsBefore;
        }
    }

    /**
     * Prints the count {@code MicroSuite} checks, and appends it to {@value #COUNTS_FILE} in the
     * directory the system property {@value #OUT_PROPERTY} names (the suite's output directory).
     */
    @TearDown(Level.Trial)
    public void report() throws IOException {
        String line = "socket events jfr=" + jfr + ": " + eventsMeasured + " event objects made in the measured iterations";
        System.out.println(line);
        String dir = System.getProperty(OUT_PROPERTY);
        if (dir != null) {
            Files.writeString(Path.of(dir, COUNTS_FILE), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** Loomring's socket event objects made so far (Epsilon keeps them all), from the class histogram. */
    private static long eventObjects() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String histogram = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {new String[] {"-all"}}, new String[] {String[].class.getName()});
            long count = 0;
            for (String line : histogram.split("\n")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 4 && cols[3].startsWith("io.loomring.jfr.Socket") && cols[3].endsWith("Event")) {
                    count += Long.parseLong(cols[1]);
                }
            }
            return count;
        } catch (JMException e) {
            throw new IllegalStateException(e);
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
