package dev.facet.git;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.function.Function;

/**
 * A request whose body is read through a {@link WatchedBody}, made from the request's own stream on the first
 * read: the one wrapper a limit on request bodies (their size, their rate) puts around a request.
 */
public final class WatchedRequest extends HttpServletRequestWrapper {
    private final Function<ServletInputStream, WatchedBody> watch;
    private ServletInputStream watched;

    public WatchedRequest(HttpServletRequest request, Function<ServletInputStream, WatchedBody> watch) {
        super(request);
        this.watch = watch;
    }

    @Override
    public synchronized ServletInputStream getInputStream() throws IOException {
        if (watched == null) {
            watched = watch.apply(super.getInputStream());
        }
        return watched;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        return new BufferedReader(new InputStreamReader(getInputStream(), WholeBody.charsetOf(this)));
    }
}
