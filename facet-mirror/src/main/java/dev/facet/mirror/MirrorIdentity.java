package dev.facet.mirror;

import dev.facet.core.mirror.MirrorType;

/** How this mirror introduces itself to the upstream. */
public record MirrorIdentity(String id, String name, String baseUrl, String publicKey, MirrorType type) {
}
