package io.loomring.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made once per JVM by the running JDK's
 * keytool into a temporary PKCS12 file that is deleted once loaded, and TLSv1.3-only sockets over
 * it: the server side presents the certificate, the client side trusts exactly that certificate
 * and checks the host name against it.
 */
final class SelfSignedTls {
    static final String PROTOCOL = "TLSv1.3";
    private static final char[] PASSWORD = "loomring-test".toCharArray();
    private static SelfSignedTls instance;

    final X509Certificate certificate;
    private final SSLContext server;
    private final SSLContext client;

    private SelfSignedTls(KeyStore keys) throws GeneralSecurityException {
        certificate = (X509Certificate) keys.getCertificate("loomring");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        server = SSLContext.getInstance(PROTOCOL);
        server.init(kmf.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try {
            trusted.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        trusted.setCertificateEntry("loomring", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        client = SSLContext.getInstance(PROTOCOL);
        client.init(null, tmf.getTrustManagers(), null);
    }

    /** The certificate and contexts, generated on first use. */
    static synchronized SelfSignedTls get() throws IOException, InterruptedException, GeneralSecurityException {
        if (instance == null) {
            instance = new SelfSignedTls(generate());
        }
        return instance;
    }

    /**
     * A client-mode TLS socket layered over {@code connected} (closing it closes {@code connected}),
     * verifying the server's certificate against the peer address as HTTPS clients do.
     */
    SSLSocket overClient(Socket connected) throws IOException {
        String host = connected.getInetAddress().getHostAddress();
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(connected, host, connected.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        return s;
    }

    /** A server-mode TLS socket layered over {@code accepted} (closing it closes {@code accepted}). */
    SSLSocket overAccepted(Socket accepted) throws IOException {
        SSLSocket s = (SSLSocket) server.getSocketFactory().createSocket(accepted, null, true);
        s.setEnabledProtocols(new String[] {PROTOCOL});
        return s;
    }

    /** The JDK's own TLS server socket (over a JDK socket) on 127.0.0.1, any port. */
    SSLServerSocket jdkServer() throws IOException {
        SSLServerSocket s = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 4, Loopback.V4);
        s.setEnabledProtocols(new String[] {PROTOCOL});
        return s;
    }

    private static KeyStore generate() throws IOException, InterruptedException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("loomring-tls");
        try {
            Path store = dir.resolve("keys.p12");
            Path log = dir.resolve("keytool.log");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            String password = new String(PASSWORD);
            Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "loomring",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", password, "-keypass", password, "-noprompt"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool failed (exit " + p.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD);
            }
            return keys;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
