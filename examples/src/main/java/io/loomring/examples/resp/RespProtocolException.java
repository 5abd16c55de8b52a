package io.loomring.examples.resp;

/**
 * Input the reader cannot resynchronise after: the server answers {@code -ERR Protocol error: ...}
 * and closes the connection, as Redis does.
 */
final class RespProtocolException extends Exception {
    RespProtocolException(String message) {
        super(message, null, false, false);
    }
}
