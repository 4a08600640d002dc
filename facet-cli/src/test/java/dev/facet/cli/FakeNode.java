package dev.facet.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a node behind a load balancer, for what a real node cannot be made to do on cue:
 * it answers {@code GET /status} with 200 so the balancer routes to it, records every other request
 * as it arrived (headers and body size), and then answers it 200 or cuts the connection without an
 * answer, as a node that dies mid-request would. One request per connection.
 */
final class FakeNode implements AutoCloseable {

    /** What the node does with a request other than {@code /status}, once it has read all of it. */
    enum Behaviour { ANSWER, CUT_OFF }

    /** A request as the node received it; header names in lower case. */
    record Request(String method, String target, Map<String, String> headers, long bodyBytes) {
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-node-connection");
        thread.setDaemon(true);
        return thread;
    });

    private FakeNode(ServerSocket server, Behaviour behaviour) {
        this.server = server;
        this.behaviour = behaviour;
    }

    static FakeNode start(Behaviour behaviour) {
        try {
            FakeNode node = new FakeNode(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), behaviour);
            node.connections.execute(node::accept);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "127.0.0.1:port", as a balancer's configuration names a node. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Every request but the balancer's health checks, in arrival order. */
    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                connections.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip(), (first, second) -> first + ", " + second);
            }
            long bodyBytes = readBody(in, headers);
            OutputStream out = socket.getOutputStream();
            if (requestLine[1].equals("/status")) {
                answer(out, "{\"state\":\"SYNCHRONIZED\"}");
                return;
            }
            requests.add(new Request(requestLine[0], requestLine[1], headers, bodyBytes));
            if (behaviour == Behaviour.ANSWER) {
                answer(out, "{\"served\":true}");
            }
        } catch (IOException e) {
            // The balancer gave up on this connection, or the node is closing; nothing to record.
        } finally {
            open.remove(socket);
        }
    }

    private static void answer(OutputStream out, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int c;
        while (matched < 4 && (c = in.read()) != -1) {
            head.write(c);
            matched = (c == '\r' && matched % 2 == 0) || (c == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.isBlank() ? "" : text.strip();
    }

    /** Reads a Content-Length or chunked body to its end and returns its size. */
    private static long readBody(InputStream in, Map<String, String> headers) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            long total = 0;
            while (true) {
                String sizeLine = readLine(in);
                long size = Long.parseLong(sizeLine.split(";")[0].strip(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return total;
                }
                in.readNBytes(Math.toIntExact(size));
                readLine(in);
                total += size;
            }
        }
        long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
        return in.readNBytes(Math.toIntExact(length)).length;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException alreadyGone) {
                // closing is all that was wanted
            }
        }
        connections.shutdownNow();
        try {
            connections.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
