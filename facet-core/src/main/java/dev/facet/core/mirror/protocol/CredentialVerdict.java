package dev.facet.core.mirror.protocol;

/**
 * The primary's verdict: who the caller is and what they may do with the repository
 * ({@code access} is NONE, READ, WRITE or ADMIN). {@code outcome} is OK, BAD_CREDENTIALS or
 * NOT_FOUND, so the mirror can answer 401 or 404 exactly as the primary would. Without a
 * repository in the check, only the caller is judged: {@code admin} says whether they administer
 * the primary (and so may read a mirror's audit trail).
 */
public record CredentialVerdict(String outcome, String user, String access, String message, boolean admin) {
}
