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
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Jetty with Facet's minimum body rate (1024 B/s) and servlets that are slow to a body as a busy server is:
 * one starts reading only after a pause, one works between two reads. The client sent the body at once, so neither
 * is refused; a client that trickles its body is cut off with 408 all the same.
 */
class ClientBodyRateTest {
    private static final long MIN_BYTES_PER_SECOND = 1024;
    /** The server's own delay: far longer than a 300-byte body takes at 1024 B/s. */
    private static final long SERVER_PAUSE_MILLIS = 1500;

    private Server server;

    /** Pauses before its first read ({@code late}) or between its first and second, then counts the body. */
    static final class PausingReader extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            boolean late = request.getRequestURI().endsWith("/late");
            if (late) {
                pause();
            }
            InputStream body = request.getInputStream();
            int first = body.read();
            if (!late) {
                pause();
            }
            int total = (first < 0 ? 0 : 1) + body.readAllBytes().length;
            response.setContentType("text/plain");
            response.getOutputStream().write(String.valueOf(total).getBytes(StandardCharsets.US_ASCII));
        }

        private static void pause() {
            try {
                Thread.sleep(SERVER_PAUSE_MILLIS); // stands for the server's own work or a busy thread pool
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new ClientBodyRate(MIN_BYTES_PER_SECOND)), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new PausingReader()), "/*");
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
        return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aServerThatComesLateToASmallBodyDoesNotCountItsDelayAgainstTheClient() throws Exception {
        HttpResponse<String> answer = post(start() + "/rest/late", new byte[300]);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("300");
    }

    @Test
    void aServerThatWorksBetweenReadsDoesNotCountItsWorkAgainstTheClient() throws Exception {
        HttpResponse<String> answer = post(start() + "/scm/p/r.git/git-receive-pack", new byte[300]);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("300");
    }

    @Test
    void aClientTricklingItsBodyIsCutOff() throws Exception {
        int port = URI.create(start()).getPort();
        long started = System.nanoTime();
        String status;
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /rest/api/1.0/projects HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000\r\n\r\n")
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
