package dev.facet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real HTTP server on loopback that webhooks are delivered to. It records every request, answers 200, and can be
 * taken down (connections refused) and brought back on the same port, or made to hang.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    record Received(String eventKey, String requestId, String signature, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch hang = new CountDownLatch(0);
    private volatile Consumer<Received> onReceive = r -> { };
    private int port;
    private HttpServer server;

    static WebhookReceiver start() {
        WebhookReceiver receiver = new WebhookReceiver();
        receiver.listen(0);
        return receiver;
    }

    private synchronized void listen(int onPort) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Received request = new Received(exchange.getRequestHeaders().getFirst("X-Event-Key"),
                exchange.getRequestHeaders().getFirst("X-Request-Id"),
                exchange.getRequestHeaders().getFirst("X-Hub-Signature"), body);
        received.add(request);
        onReceive.accept(request);
        try {
            hang.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String eventKey) {
        return received.stream().filter(r -> eventKey.equals(r.eventKey())).toList();
    }

    /** Runs {@code action} on each request as it arrives, before it is answered. */
    void onReceive(Consumer<Received> action) {
        this.onReceive = action;
    }

    /** Holds every answer until {@link #answer}. */
    void hang() {
        hang = new CountDownLatch(1);
    }

    void answer() {
        hang.countDown();
    }

    /** Refuses connections until {@link #up}. */
    synchronized void down() {
        server.stop(0);
    }

    synchronized void up() {
        listen(port);
    }

    @Override
    public synchronized void close() {
        answer();
        server.stop(0);
    }
}
