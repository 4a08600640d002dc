package dev.facet.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A machine on the path between a mirror and its primary that relays every message, signatures
 * included, and changes the ones a test tells it to: a request on its way to the primary, or an
 * answer on its way back: the attacker who can read and rewrite the traffic but holds no key. As
 * an {@link #impostor} it is another server in front of the primary instead. One request per
 * connection, each on a thread of its own (a mirror holds a long-poll open).
 */
final class TamperingProxy implements AutoCloseable {
    static final String ANSWER_HEADER = "Facet-Answer";
    /** The mirror's signed request beside other credentials (a Git LFS batch request). */
    static final String MIRROR_REQUEST_HEADER = "Facet-Mirror-Request";

    /** A request as the mirror sent it. */
    record Request(String method, String target, String authorization, String contentType, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Request withBody(String text) {
            return new Request(method, target, authorization, contentType, text.getBytes(StandardCharsets.UTF_8));
        }

        Request withTarget(String newTarget) {
            return new Request(method, newTarget, authorization, contentType, body);
        }
    }

    /** An answer as the primary gave it, with its signature header, if any. */
    record Answer(int status, String contentType, Optional<String> signature, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Answer withBody(String text) {
            return new Answer(status, contentType, signature, text.getBytes(StandardCharsets.UTF_8));
        }

        Answer withStatus(int newStatus) {
            return new Answer(newStatus, contentType, signature, body);
        }
    }

    private final ServerSocket server;
    private final String target;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile UnaryOperator<Request> onRequest = UnaryOperator.identity();
    private volatile BiFunction<Request, Answer, Answer> onAnswer = (request, answer) -> answer;
    /** When set, answers carry a {@code Date} this far off this machine's clock. */
    private volatile Duration dateSkew;

    TamperingProxy(String target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tampering-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Another server in front of a real primary: it answers with the primary's status and body but
     * none of its signatures, as any server that is not the primary answers, and with a {@code Date}
     * off by {@code skew} (the clock of a machine whose time is wrong, which this machine's own clock
     * cannot be made to be).
     */
    static TamperingProxy impostor(String target, Duration skew) throws IOException {
        TamperingProxy proxy = new TamperingProxy(target);
        proxy.dateSkew = skew;
        proxy.rewriteAnswers((request, answer) -> new Answer(answer.status(), answer.contentType(), Optional.empty(),
                answer.body()));
        return proxy;
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Changes requests before they go on to the primary. */
    void rewriteRequests(UnaryOperator<Request> rule) {
        onRequest = rule;
    }

    /** Changes answers before they go back to the mirror; gets the request as the primary received it. */
    void rewriteAnswers(BiFunction<Request, Answer, Answer> rule) {
        onAnswer = rule;
    }

    /** Relays everything as it is again. */
    void relayFaithfully() {
        onRequest = UnaryOperator.identity();
        onAnswer = (request, answer) -> answer;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket accepted;
            try {
                accepted = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread worker = new Thread(() -> {
                try (Socket socket = accepted) {
                    relay(new BufferedInputStream(socket.getInputStream()), socket.getOutputStream());
                } catch (IOException | InterruptedException e) {
                    // the connection or the proxy closed
                }
            }, "tampering-proxy-request");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void relay(InputStream in, OutputStream out) throws IOException, InterruptedException {
        String[] requestLine = readLine(in).split(" ");
        int length = 0;
        String authorization = null;
        String contentType = null;
        String contentEncoding = null;
        String mirrorRequest = null;
        for (String header; !(header = readLine(in)).isEmpty(); ) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).strip();
            String value = header.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Authorization")) {
                authorization = value;
            } else if (name.equalsIgnoreCase("Content-Type")) {
                contentType = value;
            } else if (name.equalsIgnoreCase("Content-Encoding")) {
                // Git clients gzip larger upload-pack requests; the body is relayed as it is, so is its encoding.
                contentEncoding = value;
            } else if (name.equalsIgnoreCase(MIRROR_REQUEST_HEADER)) {
                mirrorRequest = value;
            }
        }
        Request request = onRequest.apply(new Request(requestLine[0], requestLine[1], authorization, contentType,
                in.readNBytes(length)));
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + request.target()))
                .header("Accept", "application/json")
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.authorization() != null) {
            forward.header("Authorization", request.authorization());
        }
        if (request.contentType() != null) {
            forward.header("Content-Type", request.contentType());
        }
        if (contentEncoding != null) {
            forward.header("Content-Encoding", contentEncoding);
        }
        if (mirrorRequest != null) {
            forward.header(MIRROR_REQUEST_HEADER, mirrorRequest);
        }
        HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        Answer answer = onAnswer.apply(request, new Answer(response.statusCode(),
                response.headers().firstValue("Content-Type").orElse("application/octet-stream"),
                response.headers().firstValue(ANSWER_HEADER), response.body()));
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(answer.status()).append(" X\r\n")
                .append("Content-Type: ").append(answer.contentType()).append("\r\n");
        Duration skew = dateSkew;
        if (skew != null) {
            head.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)
                    .format(ZonedDateTime.now(ZoneOffset.UTC).plus(skew))).append("\r\n");
        }
        answer.signature().ifPresent(signature -> head.append(ANSWER_HEADER).append(": ").append(signature)
                .append("\r\n"));
        head.append("Content-Length: ").append(answer.body().length).append("\r\nConnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(answer.body());
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
