package dev.facet.cli;

/**
 * Git over SSH as an instance serves it.
 *
 * @param enabled whether it listens for SSH at all ({@code facet.ssh.enabled}, default true)
 * @param port    {@code facet.ssh.port}; 0 picks a free one
 * @param baseUrl what clients are told to use ({@code facet.ssh.base-url}, such as {@code ssh://git@git.example.com:7999}
 *                behind a balancer); null for {@code ssh://git@localhost:PORT}
 */
record SshSettings(boolean enabled, int port, String baseUrl) {
    static final int DEFAULT_PORT = 7999;
    static final SshSettings OFF = new SshSettings(false, DEFAULT_PORT, null);

    static SshSettings from(RawSettings raw) {
        String baseUrl = raw.sshUrl(RawSettings.SSH_BASE_URL).orElse(null);
        return new SshSettings(raw.bool(RawSettings.SSH_ENABLED, true), raw.port(RawSettings.SSH_PORT, DEFAULT_PORT),
                baseUrl);
    }

    /** The advertised URL once listening on {@code boundPort}. */
    String baseUrl(int boundPort) {
        return baseUrl != null ? baseUrl : "ssh://git@localhost:" + boundPort;
    }
}
