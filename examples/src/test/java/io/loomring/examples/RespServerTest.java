package io.loomring.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.Backend;
import io.loomring.examples.RespClient.Error;
import io.loomring.examples.RespClient.Status;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The RESP key-value server, driven by the small client in {@link RespClient}. */
@Timeout(60)
class RespServerTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void runsEveryCommand(Backend backend) throws Exception {
        try (ExampleServer server = Backends.start("resp", backend);
             RespClient c = new RespClient(server.localAddress())) {
            assertEquals(new Status("PONG"), c.call("PING"));
            assertEquals("hi there", c.call("PING", "hi there"));
            assertEquals("héllo", c.call("ECHO", "héllo"));
            assertNull(c.call("GET", "k"));
            assertEquals(new Status("OK"), c.call("SET", "k", "v1"));
            assertEquals("v1", c.call("GET", "k"));
            assertEquals(new Status("OK"), c.call("SET", "k", ""));
            assertEquals("", c.call("GET", "k"));
            assertEquals(2L, c.call("EXISTS", "k", "k", "other"));
            assertEquals(1L, c.call("INCR", "n"));
            assertEquals(2L, c.call("INCR", "n"));
            assertEquals("2", c.call("GET", "n"));
            assertEquals(2L, c.call("DEL", "k", "n", "other"));
            assertEquals(0L, c.call("EXISTS", "k"));
            assertEquals(new Status("OK"), c.call("SET", "text", "abc"));
            assertEquals(new Error("ERR value is not an integer or out of range"), c.call("INCR", "text"));
            assertEquals(new Status("OK"), c.call("SET", "max", Long.toString(Long.MAX_VALUE)));
            assertEquals(new Error("ERR value is not an integer or out of range"), c.call("INCR", "max"));
            assertEquals(List.of("save", ""), c.call("CONFIG", "GET", "save"));
            assertEquals(List.of("appendonly", "no"), c.call("config", "get", "appendonly"));
            assertEquals(List.of(), c.call("CONFIG", "GET", "maxmemory"));
            assertEquals(List.of(), c.call("COMMAND", "DOCS"));
            assertEquals(new Error("ERR unknown command 'FLUSHALL'"), c.call("flushall"));
            assertEquals(new Error("ERR wrong number of arguments for 'get' command"), c.call("GET"));
            assertEquals(new Error("ERR syntax error"), c.call("SET", "k", "v", "EX", "10"));
            assertEquals(new Status("PONG"), c.call("ping")); // errors above did not break the stream
            assertEquals(new Status("OK"), c.call("QUIT"));
            assertTrue(c.isClosedByServer());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void answersAPipelineInOrder(Backend backend) throws Exception {
        int commands = 5000; // more replies than one write buffer holds
        try (ExampleServer server = Backends.start("resp", backend);
             RespClient c = new RespClient(server.localAddress())) {
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            for (int i = 0; i < commands; i++) {
                pipeline.writeBytes(RespClient.encode("SET", "key:" + i, "value:" + i));
                pipeline.writeBytes(RespClient.encode("GET", "key:" + i));
                pipeline.writeBytes(RespClient.encode("INCR", "counter"));
            }
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.send(pipeline.toByteArray());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            for (int i = 0; i < commands; i++) {
                assertEquals(new Status("OK"), c.read());
                assertEquals("value:" + i, c.read());
                assertEquals(i + 1L, c.read());
            }
            writer.join();
        }
    }

    @Test
    void acceptsInlineCommands() throws Exception {
        try (ExampleServer server = Backends.start("resp", Backend.AUTO);
             RespClient c = new RespClient(server.localAddress())) {
            c.send("PING\r\n\r\nSET  greeting\thello\r\nGET greeting\nEXISTS greeting nothing\r\n");
            assertEquals(new Status("PONG"), c.read()); // the empty line gets no reply
            assertEquals(new Status("OK"), c.read());
            assertEquals("hello", c.read());
            assertEquals(1L, c.read());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "*abc\r\n",                       // count is not a number
        "*2\r\n+GET\r\n",                 // element is not a bulk string
        "*1\r\n$-5\r\n",                  // negative bulk length
        "*1\r\n$99999999999\r\n",         // bulk longer than allowed
        "*1\r\n$3\r\nGETX\r\n",           // bulk longer than announced
        "*99999999\r\n",                  // too many arguments
        "*1\r\n$1234567890123456789012345", // a length line that never ends
    })
    void answersMalformedInputWithAnErrorAndCloses(String input) throws Exception {
        try (ExampleServer server = Backends.start("resp", Backend.AUTO);
             RespClient c = new RespClient(server.localAddress())) {
            assertEquals(new Status("PONG"), c.call("PING"));
            c.send(input);
            Object reply = c.read();
            assertInstanceOf(Error.class, reply);
            assertTrue(((Error) reply).text().startsWith("ERR Protocol error: "), reply.toString());
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void refusesAnInlineLineThatNeverEnds() throws Exception {
        try (ExampleServer server = Backends.start("resp", Backend.AUTO);
             RespClient c = new RespClient(server.localAddress())) {
            c.send("SET k " + "x".repeat(70_000)); // no newline, ever (and all of it read by the server)
            assertEquals(new Error("ERR Protocol error: too big inline request"), c.read());
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void incrIsAtomicAcrossConnections() throws Exception {
        int clients = 20;
        int increments = 200;
        try (ExampleServer server = Backends.start("resp", Backend.AUTO);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                done.add(pool.submit(() -> {
                    try (RespClient c = new RespClient(server.localAddress())) {
                        for (int j = 0; j < increments; j++) {
                            c.call("INCR", "shared");
                        }
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
            try (RespClient c = new RespClient(server.localAddress())) {
                assertEquals(Long.toString(clients * increments), c.call("GET", "shared"));
            }
        }
    }
}
