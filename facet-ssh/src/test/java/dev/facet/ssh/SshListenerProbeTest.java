package dev.facet.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshListenerProbeTest {
    @TempDir
    Path keys;

    /** A listener that says {@code greeting} to each connection and hangs up. */
    private static ServerSocket saying(String greeting) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        }, "probe-test-listener");
        thread.setDaemon(true);
        thread.start();
        return server;
    }

    @Test
    void facetsOwnSshServerAnswersTheProbe() {
        GitSshServer server = new GitSshServer("127.0.0.1", 0, keys, (fingerprint, address) -> {
        }, null, null, null, null, null, null, 1);
        server.start();
        try {
            assertThat(SshListenerProbe.checkListener("0.0.0.0", server.port())).isEmpty();
            assertThat(SshListenerProbe.checkPortFree(null, server.port()).orElseThrow().problem())
                    .contains("Another program listens on 127.0.0.1:" + server.port()).contains("'SSH-2.0-");
        } finally {
            server.stop();
        }
    }

    @Test
    void somethingElseOnThePortOrNothingAtAllIsAFinding() throws IOException {
        try (ServerSocket http = saying("HTTP/1.1 400 Bad Request\r\n\r\n")) {
            assertThat(SshListenerProbe.checkListener("127.0.0.1", http.getLocalPort()).orElseThrow().problem())
                    .contains("nothing answers SSH on 127.0.0.1:" + http.getLocalPort()).contains("HTTP/1.1 400");
        }
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        var nothing = SshListenerProbe.checkListener(null, closedPort).orElseThrow();
        assertThat(nothing.problem()).contains("Connection refused");
        assertThat(nothing.fix()).contains("facet.ssh.port").contains("facet.ssh.enabled=false");
        assertThat(SshListenerProbe.checkPortFree("127.0.0.1", closedPort)).isEmpty();
    }
}
