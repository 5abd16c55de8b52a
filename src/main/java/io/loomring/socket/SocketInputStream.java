package io.loomring.socket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.NotYetConnectedException;
import java.util.Objects;

/**
 * The {@link InputStream} of a socket, for every face: reads park in the core's
 * {@link SocketReader}; the face's {@link StreamContract} says what else a read checks and
 * throws, what {@code available()} is, and what closing closes.
 */
public final class SocketInputStream extends InputStream {
    private final SocketReader reader;
    private final StreamContract contract;

    public SocketInputStream(SocketReader reader, StreamContract contract) {
        this.reader = reader;
        this.contract = contract;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n > 0 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        contract.checkOpen();
        try {
            return reader.read(b, off, len);
        } catch (IOException e) {
            throw contract.translate(e);
        } catch (NotYetConnectedException e) {
            throw contract.notConnected(e);
        }
    }

    @Override
    public int available() throws IOException {
        return contract.available();
    }

    @Override
    public void close() throws IOException {
        contract.close();
    }

    @Override
    public String toString() {
        return "SocketInputStream[" + contract + "]";
    }
}
