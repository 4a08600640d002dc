package dev.facet.git;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes every byte to the client's stream and to a copy (a clone answer being kept). Closing it
 * only flushes: the client's stream belongs to its transport (an SSH session goes on after one
 * answer) and the copy to whoever opened it.
 */
public final class TeeOutputStream extends OutputStream {
    private final OutputStream out;
    private final OutputStream copy;

    public TeeOutputStream(OutputStream out, OutputStream copy) {
        this.out = out;
        this.copy = copy;
    }

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
    public void close() throws IOException {
        flush();
    }
}
