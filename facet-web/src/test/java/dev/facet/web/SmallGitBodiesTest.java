package dev.facet.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty with Facet's minimum request data rate (1024 B/s) and a servlet that reads a body as
 * Git does, in parts with work in between: a small body is refused with 408 for the server's own
 * pause unless {@link SmallGitBodies} read it first, and a client that trickles its body is still
 * cut off.
 */
class SmallGitBodiesTest {
    private static final long MIN_BYTES_PER_SECOND = 1024;
    /** The server's work between two reads: far longer than a 300-byte body allows at 1024 B/s. */
    private static final long SERVER_PAUSE_MILLIS = 1500;

    private Server server;

    /** Reads one byte, works, reads the rest, and answers how many bytes it got. */
    static final class PausingReader extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            InputStream body = request.getInputStream();
            int first = body.read();
            try {
                Thread.sleep(SERVER_PAUSE_MILLIS); // stands for Git's own work between two reads, not a wait for anything
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int total = (first < 0 ? 0 : 1) + body.readAllBytes().length;
            response.setContentType("text/plain");
            response.getOutputStream().write(String.valueOf(total).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private String start(boolean withFilter) throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setMinRequestDataRate(MIN_BYTES_PER_SECOND);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        if (withFilter) {
            context.addFilter(new FilterHolder(new SmallGitBodies()), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(new PausingReader()), "/scm/*");
        server.setHandler(context);
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static HttpResponse<String> post(String url, byte[] body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create(url + "/scm/p/r.git/git-receive-pack"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutItASmallBodyReadInPartsIsRefusedForTheServersOwnPause() throws Exception {
        String url = start(false);

        assertThat(post(url, new byte[300]).statusCode()).isEqualTo(408);
    }

    @Test
    void aSmallBodyIsReadWholeSoTheServersPausesDoNotCountAgainstTheClient() throws Exception {
        String url = start(true);

        HttpResponse<String> answer = post(url, new byte[300]);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("300");
    }

    @Test
    void aBodyAboveTheLimitStreamsAsBefore() throws Exception {
        String url = start(true);

        HttpResponse<String> answer = post(url, new byte[SmallGitBodies.MAX_BYTES + 1]);

        assertThat(answer.statusCode()).as("a large body covers the pause with its size").isEqualTo(200);
        assertThat(answer.body()).isEqualTo(String.valueOf(SmallGitBodies.MAX_BYTES + 1));
    }

    @Test
    void aClientTricklingASmallBodyIsStillCutOff() throws Exception {
        String url = start(true);
        int port = URI.create(url).getPort();
        long started = System.nanoTime();
        String status;
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /scm/p/r.git/git-receive-pack HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // 10 B/s, a hundredth of the minimum: the server answers long before the 200 s this would take
            for (int i = 0; i < 2000; i++) {
                try {
                    out.write('0');
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                if (socket.getInputStream().available() > 0) {
                    break;
                }
                Thread.sleep(100); // the attacker's pace, not a wait for the server
            }
            byte[] head = socket.getInputStream().readNBytes(12);
            status = new String(head, StandardCharsets.US_ASCII);
        }

        assertThat(status).isEqualTo("HTTP/1.1 408");
        assertThat((System.nanoTime() - started) / 1_000_000_000).as("seconds until cut off").isLessThan(10);
    }
}
