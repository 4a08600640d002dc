package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One anonymous client opening hundreds of Git requests whose bodies trickle in, a byte at a time,
 * to hold a server thread each: with the default settings it neither stops the server answering
 * others nor keeps its connections.
 */
class SlowClientsTest {
    private static final int SLOW_CLIENTS = 300;
    private static final Duration DRIP_INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path work;

    /** A client sending a Git request whose body never finishes, one byte per drip; loopback only. */
    private static final class SlowBody {
        final SocketChannel channel;
        boolean closedByServer;
        final StringBuilder answer = new StringBuilder();

        SlowBody(InetSocketAddress server, String path) throws IOException {
            this(server, path, InetAddress.getByName("127.0.0.1"));
        }

        SlowBody(InetSocketAddress server, String path, InetAddress from) throws IOException {
            this(server, path, from, "application/x-git-upload-pack-request");
        }

        SlowBody(InetSocketAddress server, String path, InetAddress from, String contentType) throws IOException {
            channel = SocketChannel.open();
            channel.bind(new InetSocketAddress(from, 0));
            channel.connect(server);
            channel.configureBlocking(false);
            write("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: 100000\r\n\r\n0");
        }

        private void write(String text) throws IOException {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }

        /** Sends one more byte, and notes whether the server has closed the connection. */
        synchronized void drip() {
            if (closedByServer) {
                return;
            }
            try {
                ByteBuffer answer = ByteBuffer.allocate(4096);
                int read;
                while ((read = channel.read(answer)) > 0) {
                    this.answer.append(new String(answer.array(), 0, answer.position(), StandardCharsets.ISO_8859_1));
                    answer.clear();
                }
                if (read < 0) {
                    closedByServer = true;
                    return;
                }
                write("0");
            } catch (IOException reset) {
                closedByServer = true;
            }
        }

        synchronized boolean closedByServer() {
            return closedByServer;
        }

        /** What the server has answered so far. */
        synchronized String answer() {
            return answer.toString();
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }

    /** Sends one more byte on each of {@code slow} every {@link #DRIP_INTERVAL}, until the dripper is stopped. */
    private static void drip(ScheduledExecutorService dripper, List<SlowBody> slow) {
        dripper.scheduleWithFixedDelay(() -> slow.forEach(SlowBody::drip), 0, DRIP_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static void stop(ScheduledExecutorService dripper, List<SlowBody> slow) throws InterruptedException {
        dripper.shutdownNow();
        dripper.awaitTermination(5, TimeUnit.SECONDS);
        slow.forEach(SlowBody::close);
    }

    @Test
    void slowGitBodiesFromOneAddressNeitherStopRestFromAnotherNorStayConnected() throws Exception {
        List<SlowBody> slow = new ArrayList<>();
        ScheduledExecutorService dripper = Executors.newSingleThreadScheduledExecutor();
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("PUB");
            primary.createRepository("PUB", "open", true);
            URI base = URI.create(primary.baseUrl());
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", base.getPort());
            String rest = "/rest/api/1.0/projects/PUB/repos";
            InetAddress otherClient = InetAddress.getByName("127.0.0.2");
            assertThat(RawHttp.status(primary.baseUrl(), rest, otherClient)).isEqualTo(200);

            for (int i = 0; i < SLOW_CLIENTS; i++) {
                slow.add(new SlowBody(server, "/scm/PUB/open.git/git-upload-pack"));
            }
            drip(dripper, slow);

            List<Long> restMillis = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long started = System.nanoTime();
                int status = RawHttp.status(primary.baseUrl(), rest, otherClient);
                restMillis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
                assertThat(status).isEqualTo(200);
                assertThat(RawHttp.status(primary.baseUrl(), "/status", otherClient)).isEqualTo(200);
            }
            System.out.println("REST answered in " + restMillis + " ms while " + SLOW_CLIENTS + " slow bodies trickled in");
            assertThat(restMillis).as("REST from another address while %d slow bodies trickle in, ms", SLOW_CLIENTS)
                    .allMatch(millis -> millis < 1000);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(slow.stream()
                    .filter(client -> !client.closedByServer()).count()).as("slow clients still connected").isZero());
            assertThat(RawHttp.status(primary.baseUrl(), rest, otherClient)).isEqualTo(200);
        } finally {
            stop(dripper, slow);
        }
    }

    /**
     * Multipart and form bodies are parsed by Jetty from the connection itself, where no rate is kept: a login form
     * sent as multipart is refused before its body is read, and a form body sent to Git is not parsed at all, so both
     * are answered while their bodies still trickle in.
     */
    @Test
    void slowMultipartAndFormBodiesAreAnsweredWhileTheyTrickleIn() throws Exception {
        List<SlowBody> slow = new ArrayList<>();
        ScheduledExecutorService dripper = Executors.newSingleThreadScheduledExecutor();
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("PUB");
            primary.createRepository("PUB", "open", true);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", URI.create(primary.baseUrl()).getPort());
            InetAddress client = InetAddress.getByName("127.0.0.1");
            SlowBody multipartLogin = new SlowBody(server, "/login", client, "multipart/form-data; boundary=facet");
            SlowBody formToGit = new SlowBody(server, "/scm/PUB/open.git/git-upload-pack", client,
                    "application/x-www-form-urlencoded");
            slow.addAll(List.of(multipartLogin, formToGit));
            drip(dripper, slow);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(multipartLogin.answer())
                    .startsWith("HTTP/1.1 415").contains("Facet does not accept multipart request bodies"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(formToGit.answer())
                    .as("answer to a trickled form body sent to Git").matches("(?s)HTTP/1\\.1 4\\d\\d .*"));
        } finally {
            stop(dripper, slow);
        }
    }

    @Test
    void gitRequestsBeyondTheirShareOfThreadsAreAnsweredBusyAtOnceWhileRestAnswers() throws Exception {
        List<SlowBody> slow = new ArrayList<>();
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, java.util.Map.of(
                "FACET_HTTP_MAX_CONCURRENT_GIT_REQUESTS", "2", "FACET_HTTP_MIN_REQUEST_BYTES_PER_SECOND", "0"))) {
            primary.createProject("PUB");
            primary.createRepository("PUB", "open", true);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", URI.create(primary.baseUrl()).getPort());
            String advertisement = "/scm/PUB/open.git/info/refs?service=git-upload-pack";
            InetAddress third = InetAddress.getByName("127.0.0.5");
            assertThat(RawHttp.status(primary.baseUrl(), advertisement, third)).isEqualTo(200);

            // Two clients on two addresses, each holding a Git request open with a body that never ends.
            slow.add(new SlowBody(server, "/scm/PUB/open.git/git-upload-pack", InetAddress.getByName("127.0.0.3")));
            slow.add(new SlowBody(server, "/scm/PUB/open.git/git-upload-pack", InetAddress.getByName("127.0.0.4")));

            await().atMost(Duration.ofSeconds(30)).until(() -> RawHttp.status(primary.baseUrl(), advertisement, third)
                    == 503);
            assertThat(RawHttp.status(primary.baseUrl(), "/rest/api/1.0/projects/PUB/repos", third)).isEqualTo(200);

            slow.forEach(SlowBody::close);
            await().atMost(Duration.ofSeconds(40)).until(() -> RawHttp.status(primary.baseUrl(), advertisement, third)
                    == 200);
        } finally {
            slow.forEach(SlowBody::close);
        }
    }

    @Test
    void oneAddressHoldsOnlyItsShareOfTheGitRequestsWhileOthersAreServed() throws Exception {
        List<SlowBody> slow = new ArrayList<>();
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, java.util.Map.of(
                "FACET_HTTP_MAX_CONCURRENT_GIT_REQUESTS", "8", "FACET_HTTP_MIN_REQUEST_BYTES_PER_SECOND", "0"))) {
            primary.createProject("PUB");
            primary.createRepository("PUB", "open", true);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", URI.create(primary.baseUrl()).getPort());
            String advertisement = "/scm/PUB/open.git/info/refs?service=git-upload-pack";
            InetAddress greedy = InetAddress.getByName("127.0.0.6");
            InetAddress other = InetAddress.getByName("127.0.0.7");

            // A quarter of 8: the greedy address's two slow requests are all it may hold.
            slow.add(new SlowBody(server, "/scm/PUB/open.git/git-upload-pack", greedy));
            slow.add(new SlowBody(server, "/scm/PUB/open.git/git-upload-pack", greedy));

            await().atMost(Duration.ofSeconds(30)).until(() -> RawHttp.status(primary.baseUrl(), advertisement, greedy)
                    == 503);
            assertThat(RawHttp.status(primary.baseUrl(), advertisement, other)).isEqualTo(200);
        } finally {
            slow.forEach(SlowBody::close);
        }
    }

    @Test
    void connectionsAClientClosedNoLongerCountAgainstItsAddress() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null,
                java.util.Map.of("FACET_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "4"))) {
            InetAddress client = InetAddress.getLoopbackAddress();
            for (int i = 0; i < 40; i++) {
                assertThat(RawHttp.status(primary.baseUrl(), "/status", client)).as("request %d", i).isEqualTo(200);
            }
        }
    }
}
