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

/**
 * Another server in front of a real primary: it passes requests on and answers with the primary's
 * status and body, but with its own headers — a {@code Date} off by {@code skew} (the clock of a
 * machine whose time is wrong, which this machine's own clock cannot be made to be), and none of the
 * primary's signatures, as any server that is not the primary answers. One request per connection,
 * each on a thread of its own (a mirror holds a long-poll open).
 */
final class ImpostorProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String target;
    private final Duration skew;
    private final HttpClient http = HttpClient.newHttpClient();

    ImpostorProxy(String target, Duration skew) throws IOException {
        this.target = target;
        this.skew = skew;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "impostor-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
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
                    forward(new BufferedInputStream(socket.getInputStream()), socket.getOutputStream());
                } catch (IOException | InterruptedException e) {
                    // the connection or the proxy closed
                }
            }, "impostor-proxy-request");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void forward(InputStream in, OutputStream out) throws IOException, InterruptedException {
        String[] requestLine = readLine(in).split(" ");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + requestLine[1]));
        int length = 0;
        for (String header; !(header = readLine(in)).isEmpty(); ) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).strip();
            String value = header.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Content-Type")
                    || name.equalsIgnoreCase("Accept")) {
                request.header(name, value);
            }
        }
        byte[] body = in.readNBytes(length);
        request.method(requestLine[0], length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)
                .format(ZonedDateTime.now(ZoneOffset.UTC).plus(skew));
        String head = "HTTP/1.1 " + response.statusCode() + " X\r\nDate: " + date + "\r\nContent-Type: "
                + response.headers().firstValue("Content-Type").orElse("application/octet-stream")
                + "\r\nContent-Length: " + response.body().length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(response.body());
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
