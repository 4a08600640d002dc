package dev.facet.core.mirror.protocol;

/**
 * Answer to {@code GET selection-digest}: the digest over every repository the asking mirror
 * carries, and the event head it was read at, so a mirror whose own digest is equal knows it
 * holds everything up to that head.
 */
public record SelectionDigest(String digest, long repositories, long projects, long headSequence, String headHash) {
}
