package io.loomring.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomring.IoScheduler;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChannelSmokeTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReadsOnACarriedThread() throws Exception {
        try (IoScheduler io = IoScheduler.builder().carriers(1).build()) {
            Path p = dir.resolve("a");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = io.threadFactory().newThread(() -> {
                try (FileChannel ch = LoomringFileChannel.open(io, p,
                        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ))) {
                    assertEquals(5, ch.write(ByteBuffer.wrap("hello".getBytes())));
                    assertEquals(6, ch.write(ByteBuffer.wrap(" world".getBytes()), 5));
                    ByteBuffer b = ByteBuffer.allocate(32);
                    assertEquals(11, ch.read(b, 0));
                    assertEquals(11, ch.size());
                    assertEquals(5, ch.position());
                    ch.force(true);
                    ch.truncate(3);
                    assertEquals(3, ch.size());
                    assertEquals(3, ch.position());
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            t.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals("hel", Files.readString(p));
            System.out.println(io.stats());
        }
    }
}
