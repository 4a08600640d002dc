package dev.facet.primary;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** An SSH base URL a mirror reports, accepted only as {@code ssh://USER@HOST[:PORT]} on the host of its base URL. */
final class SshAddress {
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private SshAddress() {
    }

    /**
     * @param baseUrl  the base URL the mirror was accepted with
     * @param reported what the mirror reports, or null
     * @return the reported address without a trailing slash, when it is well formed and on {@code baseUrl}'s host
     */
    static Optional<String> onHostOf(String baseUrl, String reported) {
        if (reported == null || reported.length() > 300) {
            return Optional.empty();
        }
        try {
            URI ssh = new URI(reported);
            String host = new URI(baseUrl).getHost();
            boolean wellFormed = "ssh".equals(ssh.getScheme()) && ssh.getHost() != null
                    && (ssh.getUserInfo() == null || USER.matcher(ssh.getUserInfo()).matches())
                    && (ssh.getRawPath() == null || ssh.getRawPath().isEmpty() || ssh.getRawPath().equals("/"))
                    && ssh.getRawQuery() == null && ssh.getRawFragment() == null;
            if (!wellFormed || host == null
                    || !ssh.getHost().toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))) {
                return Optional.empty();
            }
            return Optional.of(reported.endsWith("/") ? reported.substring(0, reported.length() - 1) : reported);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
