package io.loomring.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomring.examples.http.HttpParser.BadRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request-head parser on its own: the fields it reads, in any letter case, and what it refuses. */
class HttpParserTest {
    private static HttpRequest parse(String head) throws BadRequestException {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        return new HttpParser().parse(b, 0, b.length);
    }

    private static void assertBad(String head, String message) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> parse(head), head);
        assertEquals(message, e.getMessage());
    }

    @Test
    void readsTheRequestLineAndEndsAfterTheEmptyLine() throws Exception {
        byte[] b = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next".getBytes(StandardCharsets.US_ASCII);
        HttpParser parser = new HttpParser();
        HttpRequest r = parser.parse(b, 0, b.length);
        assertEquals("GET", r.method());
        assertEquals("/", r.target());
        assertTrue(r.keepAlive());
        assertFalse(r.http10());
        assertEquals(0, r.contentLength());
        assertEquals("GET / HTTP/1.1\r\nHost: x\r\n\r\n".length(), parser.end());
        assertNull(parser.parse(b, parser.end(), b.length), "an incomplete head is not a request yet");
    }

    @Test
    void otherMethodsAndTargetsKeepTheirText() throws Exception {
        HttpRequest r = parse("PATCH /a/b?c=d HTTP/1.1\nhost: x\n\n");
        assertEquals("PATCH", r.method());
        assertEquals("/a/b?c=d", r.target());
        assertEquals("/a/b", r.path());
        assertEquals("HEAD", parse("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n").method());
        assertEquals("get", parse("get / HTTP/1.1\r\nHost: x\r\n\r\n").method(), "methods are case-sensitive");
    }

    @Test
    void fieldNamesMatchInAnyLetterCase() throws Exception {
        HttpRequest r = parse("POST / HTTP/1.1\r\nHOST: x\r\nCoNtEnT-LeNgTh:  42 \r\nconnection: keep-alive, Close\r\n\r\n");
        assertEquals(42, r.contentLength());
        assertFalse(r.keepAlive());
        assertTrue(parse("GET / HTTP/1.1\r\nhost: x\r\nTRANSFER-ENCODING: chunked\r\n\r\n").chunked());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertBad("GET / HTTP/1.1\r\nHost: x\r\nhOsT: y\r\n\r\n", "HTTP/1.1 needs exactly one Host field");
        assertBad("GET / HTTP/1.1\r\nHostx: y\r\n\r\n", "HTTP/1.1 needs exactly one Host field");
    }

    @Test
    void refusesMalformedHeads() {
        assertBad("GET / HTTP/9.9\r\nHost: x\r\n\r\n", "unsupported version 'HTTP/9.9'");
        assertBad("GET / http/1.1\r\nHost: x\r\n\r\n", "unsupported version 'http/1.1'");
        assertBad("GET / HTTP/1.10\r\nHost: x\r\n\r\n", "unsupported version 'HTTP/1.10'");
        assertBad("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", "malformed method");
        assertBad("GET /\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", "malformed request target");
        assertBad("GET / HTTP/1.1\r\nHo st: x\r\n\r\n", "malformed field name");
        assertBad("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n",
                "conflicting Content-Length fields");
        assertBad("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", "malformed Content-Length");
    }
}
