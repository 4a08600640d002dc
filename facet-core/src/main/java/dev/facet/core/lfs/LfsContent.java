package dev.facet.core.lfs;

import java.io.InputStream;

/** The bytes of one object, opened for a download; the caller closes the stream. */
public record LfsContent(long size, InputStream stream) {
}
