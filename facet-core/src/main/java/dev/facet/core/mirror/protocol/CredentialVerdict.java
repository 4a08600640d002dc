package dev.facet.core.mirror.protocol;

/**
 * The primary's verdict: who the caller is and what they may do with the repository
 * ({@code access} is NONE, READ, WRITE or ADMIN). {@code outcome} is OK, BAD_CREDENTIALS,
 * NOT_FOUND or THROTTLED, so the mirror can answer 401, 404 or 429 exactly as the primary would;
 * a THROTTLED verdict says in {@code retryAfterSeconds} how long the client waits. Without a
 * repository in the check, only the caller is judged: {@code admin} says whether they administer
 * the primary (and so may read a mirror's audit trail).
 */
public record CredentialVerdict(String outcome, String user, String access, String message, boolean admin,
                                Long retryAfterSeconds) {
    public static final String OK = "OK";
    public static final String BAD_CREDENTIALS = "BAD_CREDENTIALS";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String THROTTLED = "THROTTLED";
}
