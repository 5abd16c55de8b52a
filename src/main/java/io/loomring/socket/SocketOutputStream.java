package io.loomring.socket;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.NotYetConnectedException;
import java.util.Objects;

/**
 * The {@link OutputStream} of a socket, for every face: unbuffered, writes park in the core's
 * {@link SocketWriter}; the face's {@link StreamContract} says what else a write checks and
 * throws, and what closing closes.
 */
public final class SocketOutputStream extends OutputStream {
    private final SocketWriter writer;
    private final StreamContract contract;

    public SocketOutputStream(SocketWriter writer, StreamContract contract) {
        this.writer = writer;
        this.contract = contract;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        contract.checkOpen();
        try {
            writer.write(b, off, len);
        } catch (IOException e) {
            throw contract.translate(e);
        } catch (NotYetConnectedException e) {
            throw contract.notConnected(e);
        }
    }

    @Override
    public void close() throws IOException {
        contract.close();
    }

    @Override
    public String toString() {
        return "SocketOutputStream[" + contract + "]";
    }
}
