package dev.facet.core.mirror.protocol;

/**
 * The primary's verdict: who the caller is and what they may do with the repository
 * ({@code access} is NONE, READ, WRITE or ADMIN). {@code outcome} is OK, BAD_CREDENTIALS or
 * NOT_FOUND, so the mirror can answer 401 or 404 exactly as the primary would.
 */
public record CredentialVerdict(String outcome, String user, String access, String message) {
}
