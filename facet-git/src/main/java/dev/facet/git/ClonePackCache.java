package dev.facet.git;

import dev.facet.core.digest.Sha256;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Serves repeated full clones from disk, for HTTP (as a filter) and for SSH (through
 * {@link #answerClone}). A clone asks for objects without offering any it has,
 * so for one repository state and one {@link CloneRequest} the answer is always the same bytes:
 * the first such answer is kept in a file named after the repository's refs hash and the request
 * (what decides the bytes, not who asks), and later identical clones stream that file instead of
 * packing again. Clones that arrive while the first is being packed wait for it rather than pack
 * in parallel. A new refs hash makes the old files useless, and they are removed when the first
 * answer for the new state is kept. The files live inside the repository's directory, so they go
 * when the repository goes; {@link KeptPacks} holds them within their limits.
 */
public final class ClonePackCache implements Filter {
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    private static final long FOLLOWER_WAIT_MINUTES = 10;
    private static final String RESULT_TYPE = "application/x-git-upload-pack-result";

    /** The directory, inside each repository, that holds its cached clone answers. */
    public static final String DIRECTORY = "facet-clone-cache";

    /**
     * How much disk kept clone answers may take.
     *
     * @param maxFilesPerRepository answers kept per repository (0 turns the cache off)
     * @param maxBytesPerRepository bytes kept per repository; a larger answer is not kept
     * @param maxBytesTotal         bytes kept over all repositories
     */
    public record Limits(int maxFilesPerRepository, long maxBytesPerRepository, long maxBytesTotal) {
        public static final int DEFAULT_MAX_FILES_PER_REPOSITORY = 4;
        public static final long DEFAULT_MAX_BYTES_PER_REPOSITORY = 1024L * 1024 * 1024;
        public static final long DEFAULT_MAX_BYTES_TOTAL = 4L * 1024 * 1024 * 1024;
        public static final Limits DEFAULT = new Limits(DEFAULT_MAX_FILES_PER_REPOSITORY,
                DEFAULT_MAX_BYTES_PER_REPOSITORY, DEFAULT_MAX_BYTES_TOTAL);

        public Limits {
            if (maxFilesPerRepository < 0 || maxBytesPerRepository < 0 || maxBytesTotal < 0) {
                throw new IllegalArgumentException("Clone cache limits cannot be negative.");
            }
        }
    }

    private final LocalDiskRepositoryStore repositories;
    private final GitOperationObserver observer;
    private final KeptPacks kept;
    private final Map<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();

    public ClonePackCache(LocalDiskRepositoryStore repositories, GitOperationObserver observer, Limits limits) {
        this.repositories = repositories;
        this.observer = observer;
        this.kept = new KeptPacks(repositories.root(), limits);
    }

    /**
     * How one transport answers a Git request: by sending a kept answer, or by packing one afresh
     * (for HTTP, the rest of the filter chain; for SSH, a JGit upload pack).
     *
     * @param <E> what packing may throw besides {@link IOException}
     */
    public interface Answer<E extends Exception> {
        /**
         * Packs the answer afresh and sends it, writing every byte of it to {@code copy} too.
         *
         * @return whether the client got a complete answer, one worth keeping
         */
        boolean pack(OutputStream copy) throws IOException, E;

        /** Sends the {@code size} bytes of a kept answer. */
        void send(InputStream kept, long size) throws IOException;
    }

    /**
     * Answers {@code request}, the body of one upload-pack request, when it is a full clone: from a
     * kept file when there is one, else by packing it once and keeping the result.
     *
     * @param gitProtocol what the client said about its protocol version (HTTP's {@code Git-Protocol}
     *                    header, SSH's {@code GIT_PROTOCOL})
     * @return false, with nothing sent, when the request is not a clone: the caller serves it as usual
     */
    public <E extends Exception> boolean answerClone(long repositoryId, byte[] request, String gitProtocol,
                                                     Answer<E> answer) throws IOException, E {
        Optional<CloneRequest> clone = CloneRequest.parse(request, gitProtocol);
        if (clone.isEmpty()) {
            return false;
        }
        String refsHash = repositories.refsHash(repositoryId).value();
        Path stateDir = kept.stateDirectory(repositoryId, refsHash);
        Path cached = stateDir.resolve(Sha256.hex(clone.get().canonical()) + ".pack");
        if (kept.use(cached) && send(cached, repositoryId, answer)) {
            return true;
        }
        String key = repositoryId + "/" + refsHash + "/" + cached.getFileName();
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            Path ready = awaitLeader(leader);
            if (ready == null || !kept.use(ready) || !send(ready, repositoryId, answer)) {
                answer.pack(OutputStream.nullOutputStream());
            }
            return true;
        }
        Path keptAnswer = null;
        try {
            keptAnswer = packAndKeep(answer, repositoryId, stateDir, cached);
        } finally {
            mine.complete(keptAnswer);
            inFlight.remove(key, mine);
        }
        return true;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!GitHttpEndpoint.isServiceCall(request, GitHttpEndpoint.Service.UPLOAD_PACK)
                || HttpGitSessions.of(request).isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        long repositoryId = HttpGitSessions.of(request).get().repositoryId();
        byte[] raw = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        HttpServletRequest replay = new WholeBody(request, raw);
        if (raw.length > MAX_REQUEST_BYTES || !answerClone(repositoryId, decoded(request, raw),
                request.getHeader("Git-Protocol"), new HttpAnswer(replay, response, chain))) {
            chain.doFilter(replay, response);
        }
    }

    private <E extends Exception> Path packAndKeep(Answer<E> answer, long repositoryId, Path stateDir, Path cached)
            throws IOException, E {
        Files.createDirectories(stateDir);
        Path temporary = Files.createTempFile(stateDir, "packing-", ".tmp");
        boolean complete = false;
        try (OutputStream copy = Files.newOutputStream(temporary)) {
            complete = answer.pack(copy);
        } finally {
            if (!complete) {
                Files.deleteIfExists(temporary);
            }
        }
        return complete && kept.keep(repositoryId, temporary, cached) ? cached : null;
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

    /** Sends a kept answer; false, with nothing sent, when the file went away before it could be opened. */
    private boolean send(Path cached, long repositoryId, Answer<?> answer) throws IOException {
        FileChannel file;
        try {
            file = FileChannel.open(cached, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        try (file; InputStream in = Channels.newInputStream(file)) {
            long size = file.size();
            answer.send(in, size);
            observer.onUpload(repositoryId, true, size);
        }
        return true;
    }

    /** An HTTP upload-pack request: packed by the rest of the filter chain, a kept answer sent as its response. */
    private static final class HttpAnswer implements Answer<ServletException> {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final FilterChain chain;

        HttpAnswer(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {
            this.request = request;
            this.response = response;
            this.chain = chain;
        }

        @Override
        public boolean pack(OutputStream copy) throws IOException, ServletException {
            TeeResponse tee = new TeeResponse(response, copy);
            chain.doFilter(request, tee);
            tee.flushBuffer();
            return tee.getStatus() == 200 && RESULT_TYPE.equals(baseType(tee.getContentType()));
        }

        @Override
        public void send(InputStream kept, long size) throws IOException {
            response.setStatus(200);
            response.setContentType(RESULT_TYPE);
            response.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
            response.setContentLengthLong(size);
            kept.transferTo(response.getOutputStream());
        }
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

    /** The response, with every byte of its body also written to a file. */
    private static final class TeeResponse extends HttpServletResponseWrapper {
        private final ServletOutputStream stream;

        TeeResponse(HttpServletResponse response, OutputStream copy) throws IOException {
            super(response);
            ServletOutputStream out = response.getOutputStream();
            TeeOutputStream tee = new TeeOutputStream(out, copy);
            this.stream = new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    tee.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    tee.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    tee.flush();
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
