package dev.facet.git;

import dev.facet.core.file.Directories;
import dev.facet.core.digest.Sha256;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves repeated full clones from disk. A clone asks for objects without offering any it has,
 * so for one repository state and one request the answer is always the same bytes: the first
 * such answer is written to a file keyed by the repository's refs hash and the request, and
 * later identical clones stream that file instead of packing again. Clones that arrive while
 * the first is being packed wait for it rather than pack in parallel. A new refs hash makes
 * the old files useless, and they are removed when the first answer for the new state is kept.
 * The files live inside the repository's directory, so they go when the repository goes.
 */
public final class ClonePackCache implements Filter {
    private static final Logger log = LoggerFactory.getLogger(ClonePackCache.class);
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    private static final long FOLLOWER_WAIT_MINUTES = 10;
    private static final String RESULT_TYPE = "application/x-git-upload-pack-result";

    /** The directory, inside each repository, that holds its cached clone answers. */
    public static final String DIRECTORY = "facet-clone-cache";

    private final LocalDiskRepositoryStore repositories;
    private final GitOperationObserver observer;
    private final Map<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();

    public ClonePackCache(LocalDiskRepositoryStore repositories, GitOperationObserver observer) {
        this.repositories = repositories;
        this.observer = observer;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!"POST".equals(request.getMethod()) || request.getPathInfo() == null
                || !request.getPathInfo().endsWith("/git-upload-pack")
                || !(request.getAttribute(GitRequestAttributes.REPOSITORY_ID) instanceof Long repositoryId)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] raw = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        HttpServletRequest replay = new ReplayedBody(request, raw);
        if (raw.length > MAX_REQUEST_BYTES || !isClone(decoded(request, raw))) {
            chain.doFilter(replay, response);
            return;
        }
        String refsHash = repositories.refsHash(repositoryId).value();
        String key = Sha256.hex(repositoryId + "\n" + refsHash + "\n" + request.getHeader("Git-Protocol") + "\n"
                + HexFormat.of().formatHex(Sha256.newDigest().digest(raw)));
        Path stateDir = repositories.root().resolve(Long.toString(repositoryId)).resolve(DIRECTORY).resolve(refsHash);
        Path cached = stateDir.resolve(key + ".pack");
        if (Files.isRegularFile(cached)) {
            serve(cached, repositoryId, response);
            return;
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            Path ready = awaitLeader(leader);
            if (ready != null && Files.isRegularFile(ready)) {
                serve(ready, repositoryId, response);
            } else {
                chain.doFilter(replay, response);
            }
            return;
        }
        try {
            Path kept = packAndKeep(replay, response, chain, repositoryId, stateDir, cached);
            mine.complete(kept);
        } catch (IOException | ServletException | RuntimeException e) {
            mine.complete(null);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private Path packAndKeep(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                             long repositoryId, Path stateDir, Path cached) throws IOException, ServletException {
        Files.createDirectories(stateDir);
        Path temporary = Files.createTempFile(stateDir, "packing-", ".tmp");
        boolean complete = false;
        try (OutputStream copy = Files.newOutputStream(temporary)) {
            TeeResponse tee = new TeeResponse(response, copy);
            chain.doFilter(request, tee);
            tee.flushBuffer();
            complete = tee.getStatus() == 200 && RESULT_TYPE.equals(baseType(tee.getContentType()));
        } finally {
            if (!complete) {
                Files.deleteIfExists(temporary);
            }
        }
        if (!complete) {
            return null;
        }
        Files.move(temporary, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forgetOtherStates(repositoryId, stateDir);
        return cached;
    }

    private static Path awaitLeader(CompletableFuture<Path> leader) {
        try {
            return leader.get(FOLLOWER_WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private void serve(Path cached, long repositoryId, HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType(RESULT_TYPE);
        response.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
        response.setContentLengthLong(Files.size(cached));
        try (InputStream in = Files.newInputStream(cached)) {
            in.transferTo(response.getOutputStream());
        }
        observer.onUpload(repositoryId, true, Files.size(cached));
    }

    /** Removes the files of the repository's earlier states; nothing can ask for them any more. */
    private void forgetOtherStates(long repositoryId, Path current) {
        try (Stream<Path> states = Files.list(current.getParent())) {
            for (Path state : states.filter(p -> !p.equals(current)).toList()) {
                Directories.deleteTree(state);
            }
        } catch (IOException e) {
            log.warn("repository {}: could not remove old clone cache files", repositoryId, e);
        }
    }

    /** A request for objects with nothing offered in return, no shallow or partial history, and nothing to negotiate. */
    static boolean isClone(byte[] body) {
        List<String> lines = pktLines(body);
        if (lines == null) {
            return false;
        }
        boolean wants = false;
        boolean done = false;
        for (String line : lines) {
            if (line.startsWith("want ")) {
                wants = true;
            } else if (line.equals("done")) {
                done = true;
            } else if (line.startsWith("have ") || line.startsWith("shallow ") || line.startsWith("deepen")
                    || line.startsWith("filter ") || line.startsWith("want-ref ")) {
                return false;
            }
        }
        return wants && done;
    }

    /** The payloads of a pkt-line stream, or null when it is not one. */
    static List<String> pktLines(byte[] body) {
        List<String> lines = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            if (at + 4 > body.length) {
                return null;
            }
            int length;
            try {
                length = Integer.parseInt(new String(body, at, 4, StandardCharsets.US_ASCII), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (length < 4) {
                at += 4;
                continue;
            }
            if (at + length > body.length) {
                return null;
            }
            String payload = new String(body, at + 4, length - 4, StandardCharsets.UTF_8);
            int nul = payload.indexOf('\0');
            lines.add((nul >= 0 ? payload.substring(0, nul) : payload).strip());
            at += length;
        }
        return lines;
    }

    private static byte[] decoded(HttpServletRequest request, byte[] raw) {
        if (!"gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readNBytes(MAX_REQUEST_BYTES);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    }

    /** The request with its body, already read here, offered again to whoever reads it next. */
    private static final class ReplayedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReplayedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /** The response, with every byte of its body also written to a file. */
    private static final class TeeResponse extends HttpServletResponseWrapper {
        private final ServletOutputStream stream;

        TeeResponse(HttpServletResponse response, OutputStream copy) throws IOException {
            super(response);
            ServletOutputStream out = response.getOutputStream();
            this.stream = new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    copy.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    copy.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                    copy.flush();
                }

                @Override
                public boolean isReady() {
                    return out.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    out.setWriteListener(listener);
                }
            };
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return stream;
        }
    }
}
