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
 * Passes HTTP requests on to a real primary and answers with its response, but with a {@code Date}
 * header off by {@code skew}: the clock of a machine whose time is wrong, which this machine's own
 * clock cannot be made to be. One request per connection.
 */
final class SkewedClockProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String target;
    private final Duration skew;
    private final HttpClient http = HttpClient.newHttpClient();

    SkewedClockProxy(String target, Duration skew) throws IOException {
        this.target = target;
        this.skew = skew;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "skewed-clock-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                forward(new BufferedInputStream(socket.getInputStream()), socket.getOutputStream());
            } catch (IOException | InterruptedException e) {
                // the connection or the proxy closed
            }
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
