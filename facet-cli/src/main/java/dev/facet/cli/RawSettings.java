package dev.facet.cli;

import dev.facet.core.tls.OutboundTrust;
import dev.facet.farm.FarmCluster;
import dev.facet.core.tls.ServerCertificate;
import dev.facet.core.tls.TlsFileUnusable;
import dev.facet.web.HttpLimits;
import dev.facet.web.TrustedProxies;
import dev.facet.web.WebSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings as strings, merged from {@code HOME/facet.properties}, command-line flags and
 * {@code FACET_*} environment variables (each overriding the one before), with the typed
 * readers that turn them into settings records and name the key when a value is wrong.
 */
final class RawSettings {
    static final String PORT = "facet.port";
    static final String BASE_URL = "facet.base-url";
    static final String BIND_ADDRESS = "facet.bind-address";
    static final String DB_URL = "facet.db.url";
    static final String DB_USER = "facet.db.user";
    static final String DB_PASSWORD = "facet.db.password";
    static final String MAX_REQUEST_BYTES = "facet.http.max-request-bytes";
    static final String UPSTREAM_URL = "facet.upstream.url";
    static final String MIRROR_NAME = "facet.mirror.name";
    static final String RECONCILE_SECONDS = "facet.mirror.reconcile-seconds";
    static final String SYNC_PARALLELISM = "facet.mirror.sync-parallelism";
    static final String REMOVAL_GRACE_SECONDS = "facet.mirror.removal-grace-seconds";
    static final String KEPT_RETENTION_SECONDS = "facet.mirror.kept-retention-seconds";
    static final String DOCTOR_MIN_FREE_MIB = "facet.doctor.min-free-mib";
    static final String EVENT_RETENTION_SECONDS = "facet.events.retention-seconds";
    static final String REFS_VERIFY_SECONDS = "facet.refs.verify-seconds";
    static final String REFS_VERIFY_PER_ROUND = "facet.refs.verify-per-round";
    static final String AUTH_CACHE_SECONDS = "facet.mirror.auth-cache-seconds";
    static final String OFFLINE_ACCESS_SECONDS = "facet.mirror.offline-access-seconds";
    static final String MIRROR_REQUESTS_PENDING_PER_ADDRESS = "facet.mirror.requests.max-pending-per-address";
    static final String MIRROR_REQUESTS_PER_MINUTE_PER_ADDRESS = "facet.mirror.requests.max-per-minute-per-address";
    static final String CLONE_CACHE_MAX_FILES_PER_REPOSITORY = "facet.git.clone-cache.max-files-per-repository";
    static final String CLONE_CACHE_MAX_BYTES_PER_REPOSITORY = "facet.git.clone-cache.max-bytes-per-repository";
    static final String CLONE_CACHE_MAX_BYTES = "facet.git.clone-cache.max-bytes";
    static final String MAX_PUSH_BYTES = "facet.git.max-push-bytes";
    static final String LFS_MAX_OBJECT_BYTES = "facet.lfs.max-object-bytes";
    static final String LFS_MAX_CONCURRENT_UPLOADS = "facet.lfs.max-concurrent-uploads";
    static final String LFS_MAX_LOCKS_PER_REPOSITORY = "facet.lfs.max-locks-per-repository";
    static final String LFS_PREFETCH = "facet.mirror.lfs-prefetch";
    static final String TLS_CERTIFICATE = "facet.tls.certificate";
    static final String TLS_PRIVATE_KEY = "facet.tls.private-key";
    static final String TLS_TRUSTED_CERTIFICATES = "facet.tls.trusted-certificates";
    static final String ALLOW_INSECURE_UPSTREAM = "facet.mirror.allow-insecure-upstream";
    static final String MAX_CONNECTIONS_PER_ADDRESS = "facet.http.max-connections-per-address";
    static final String MIN_REQUEST_BYTES_PER_SECOND = "facet.http.min-request-bytes-per-second";
    static final String IDLE_TIMEOUT_SECONDS = "facet.http.idle-timeout-seconds";
    static final String MAX_CONCURRENT_GIT_REQUESTS = "facet.http.max-concurrent-git-requests";
    static final String TRUSTED_PROXIES = "facet.http.trusted-proxies";
    static final String SSH_ENABLED = "facet.ssh.enabled";
    static final String SSH_PORT = "facet.ssh.port";
    static final String SSH_BASE_URL = "facet.ssh.base-url";
    static final String FARM_NAME = "facet.farm.name";
    static final String FARM_PORT = "facet.farm.port";
    static final String FARM_MEMBERS = "facet.farm.members";
    static final String FARM_ADDRESS = "facet.farm.address";
    static final String FARM_VET_SECONDS = "facet.farm.vet-seconds";
    static final String WEBHOOKS_ALLOW_LOCAL = "facet.webhooks.allow-local";
    static final String WEBHOOKS_TIMEOUT_SECONDS = "facet.webhooks.timeout-seconds";
    static final String WEBHOOKS_RETRY_MAX_SECONDS = "facet.webhooks.retry-max-seconds";
    static final Set<String> KNOWN = Set.of(FARM_NAME, FARM_PORT, FARM_MEMBERS, FARM_ADDRESS, FARM_VET_SECONDS, PORT, BASE_URL,
            BIND_ADDRESS, DB_URL, DB_USER, DB_PASSWORD,
            MAX_REQUEST_BYTES, UPSTREAM_URL, MIRROR_NAME, RECONCILE_SECONDS, SYNC_PARALLELISM, REMOVAL_GRACE_SECONDS,
            KEPT_RETENTION_SECONDS, DOCTOR_MIN_FREE_MIB, AUTH_CACHE_SECONDS, OFFLINE_ACCESS_SECONDS,
            EVENT_RETENTION_SECONDS, MIRROR_REQUESTS_PENDING_PER_ADDRESS, MIRROR_REQUESTS_PER_MINUTE_PER_ADDRESS,
            CLONE_CACHE_MAX_FILES_PER_REPOSITORY, CLONE_CACHE_MAX_BYTES_PER_REPOSITORY, CLONE_CACHE_MAX_BYTES,
            MAX_PUSH_BYTES, TLS_CERTIFICATE, TLS_PRIVATE_KEY, TLS_TRUSTED_CERTIFICATES, ALLOW_INSECURE_UPSTREAM,
            MAX_CONNECTIONS_PER_ADDRESS, MIN_REQUEST_BYTES_PER_SECOND, IDLE_TIMEOUT_SECONDS, MAX_CONCURRENT_GIT_REQUESTS,
            TRUSTED_PROXIES, WEBHOOKS_ALLOW_LOCAL, WEBHOOKS_TIMEOUT_SECONDS, WEBHOOKS_RETRY_MAX_SECONDS, SSH_ENABLED,
            SSH_PORT, SSH_BASE_URL, LFS_MAX_OBJECT_BYTES, LFS_MAX_CONCURRENT_UPLOADS, LFS_MAX_LOCKS_PER_REPOSITORY,
            LFS_PREFETCH, REFS_VERIFY_SECONDS, REFS_VERIFY_PER_ROUND);

    private final Path home;
    private final Map<String, String> values;
    private final Map<String, String> origins;

    private RawSettings(Path home, Map<String, String> values, Map<String, String> origins) {
        this.home = home;
        this.values = values;
        this.origins = origins;
    }

    /** The environment variable that overrides a key: {@code facet.db.url} is {@code FACET_DB_URL}. */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static RawSettings load(Path home, Map<String, String> flags, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        Path file = home.resolve("facet.properties");
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new SettingsError("Cannot read " + file + ": " + e.getMessage());
            }
            for (String key : properties.stringPropertyNames()) {
                if (!KNOWN.contains(key)) {
                    throw new SettingsError("Unknown setting '" + key + "' in " + file + "; known settings are "
                            + new TreeSet<>(KNOWN) + ".");
                }
                values.put(key, properties.getProperty(key).strip());
                origins.put(key, file.toString());
            }
        }
        flags.forEach((key, value) -> {
            if (value != null) {
                values.put(key, value);
                origins.put(key, "the command line");
            }
        });
        for (String key : KNOWN) {
            String name = environmentName(key);
            String value = environment.get(name);
            if (value != null) {
                values.put(key, value);
                origins.put(key, "the environment variable " + name);
            }
        }
        return new RawSettings(home, values, origins);
    }

    /**
     * How an instance listens: bind address, port (the role's default when unset), base URL, request
     * limit, the certificate when it serves HTTPS, and what one client may hold.
     */
    WebSettings web(int defaultPort) {
        return new WebSettings(text(BIND_ADDRESS).orElse(null), port(PORT, defaultPort), httpUrl(BASE_URL).orElse(null),
                positiveLong(MAX_REQUEST_BYTES, WebSettings.DEFAULT_MAX_REQUEST_BYTES), serverCertificate(),
                httpLimits());
    }

    /** The certificate and key to serve HTTPS with: both named, or neither; read once here so a bad file stops start-up. */
    private Optional<ServerCertificate> serverCertificate() {
        Optional<Path> certificate = file(TLS_CERTIFICATE);
        Optional<Path> key = file(TLS_PRIVATE_KEY);
        if (certificate.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (certificate.isEmpty() || key.isEmpty()) {
            String missing = certificate.isEmpty() ? TLS_CERTIFICATE : TLS_PRIVATE_KEY;
            String given = certificate.isEmpty() ? TLS_PRIVATE_KEY : TLS_CERTIFICATE;
            throw new SettingsError("Setting " + given + " (from " + origins.get(given) + ") needs " + missing
                    + " as well: HTTPS is served from a PEM certificate and its PKCS#8 private key.");
        }
        ServerCertificate pair = new ServerCertificate(certificate.get(), key.get());
        try {
            pair.load();
        } catch (TlsFileUnusable e) {
            String culprit = e.file().equals(key.get()) ? TLS_PRIVATE_KEY : TLS_CERTIFICATE;
            throw new SettingsError("Setting " + culprit + " (from " + origins.get(culprit) + "): " + e.getMessage());
        }
        return Optional.of(pair);
    }

    private HttpLimits httpLimits() {
        return new HttpLimits(
                (int) Math.min(Integer.MAX_VALUE, positiveLong(MAX_CONNECTIONS_PER_ADDRESS,
                        HttpLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS)),
                nonNegativeLong(MIN_REQUEST_BYTES_PER_SECOND, HttpLimits.DEFAULT_MIN_REQUEST_BYTES_PER_SECOND),
                Duration.ofSeconds(positiveLong(IDLE_TIMEOUT_SECONDS, HttpLimits.DEFAULT_IDLE_TIMEOUT.toSeconds())),
                (int) Math.min(Integer.MAX_VALUE, positiveLong(MAX_CONCURRENT_GIT_REQUESTS,
                        HttpLimits.DEFAULT_MAX_CONCURRENT_GIT_REQUESTS)), trustedProxies());
    }

    private TrustedProxies trustedProxies() {
        return text(TRUSTED_PROXIES).map(list -> {
            try {
                return TrustedProxies.parse(list);
            } catch (IllegalArgumentException e) {
                throw new SettingsError("Setting " + TRUSTED_PROXIES + " (from " + origins.get(TRUSTED_PROXIES) + "): "
                        + e.getMessage() + ".");
            }
        }).orElse(TrustedProxies.NONE);
    }

    /** Whom outgoing HTTPS calls trust: the JVM's authorities, plus the PEM bundle of facet.tls.trusted-certificates. */
    OutboundTrust outboundTrust() {
        return file(TLS_TRUSTED_CERTIFICATES).map(bundle -> {
            try {
                return OutboundTrust.withBundle(bundle);
            } catch (TlsFileUnusable e) {
                throw new SettingsError("Setting " + TLS_TRUSTED_CERTIFICATES + " (from "
                        + origins.get(TLS_TRUSTED_CERTIFICATES) + "): " + e.getMessage());
            }
        }).orElseGet(OutboundTrust::jvmDefault);
    }

    /**
     * The mirror's upstream URL, refused when it is plain http:// to anything but this machine,
     * unless an administrator said so: passwords, fetch tokens and private repositories cross that link.
     * Decided from the URL alone, before anything is sent anywhere.
     */
    Optional<String> upstreamUrl() {
        Optional<String> url = httpUrl(UPSTREAM_URL);
        url.ifPresent(raw -> {
            URI uri = URI.create(raw);
            if (uri.getScheme().equalsIgnoreCase("http") && !isLoopback(uri.getHost())
                    && !bool(ALLOW_INSECURE_UPSTREAM, false)) {
                throw new SettingsError("Setting " + UPSTREAM_URL + " (from " + origins.get(UPSTREAM_URL) + ") is '" + raw
                        + "': plain http:// to another machine would carry users' passwords, the mirror's fetch tokens "
                        + "and private repositories in clear. Use the primary's https:// URL, or set "
                        + ALLOW_INSECURE_UPSTREAM + "=true to accept that (only loopback addresses are allowed without it).");
            }
        });
        return url;
    }

    /** localhost, or a literal loopback address; a host name is never looked up here, so it is not loopback. */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = bare.matches("\\d{1,3}(\\.\\d{1,3}){3}") || bare.contains(":");
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * The farm this node joins, when {@code facet.farm.name} is set: its port and members are then
     * needed, and the address peers reach this node at, unless every member is on this machine.
     */
    Optional<FarmCluster.Settings> farm() {
        Optional<String> name = text(FARM_NAME);
        if (name.isEmpty()) {
            for (String key : List.of(FARM_PORT, FARM_MEMBERS, FARM_ADDRESS, FARM_VET_SECONDS)) {
                text(key).ifPresent(raw -> {
                    throw new SettingsError("Setting " + key + " (from " + origins.get(key) + ") is set, but "
                            + FARM_NAME + " is not: a farm node needs its farm's name (--farm NAME).");
                });
            }
            return Optional.empty();
        }
        if (!name.get().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw bad(FARM_NAME, name.get(), "a name of letters, digits, '.', '_' and '-' (at most 64, "
                    + "starting with a letter or digit)");
        }
        int port = port(FARM_PORT, -1);
        if (port == -1) {
            throw new SettingsError("A farm node needs its farm port: pass --farm-port N or set " + FARM_PORT
                    + " (1 to 65535).");
        }
        if (port == 0) {
            throw bad(FARM_PORT, "0", "a port from 1 to 65535: the other members list it, so it cannot be picked "
                    + "at start");
        }
        List<String> members = text(FARM_MEMBERS).map(raw -> farmMembers(raw)).orElseThrow(() -> new SettingsError(
                "A farm node needs its farm's members: pass --farm-members HOST:PORT,... or set " + FARM_MEMBERS
                        + "."));
        String address = text(FARM_ADDRESS).map(raw -> {
            if (!raw.matches("[A-Za-z0-9.:\\-]+") || raw.chars().filter(c -> c == ':').count() == 1) {
                throw bad(FARM_ADDRESS, raw, "a host name or IP address (no port) that the other members reach "
                        + "this node at");
            }
            return raw;
        }).orElseGet(() -> {
            if (members.stream().allMatch(member -> isLoopback(member.substring(0, member.lastIndexOf(':'))))) {
                return "127.0.0.1";
            }
            throw new SettingsError("A farm node whose members are on other machines needs the address they reach "
                    + "it at: set " + FARM_ADDRESS + " (an address on the farm's private network).");
        });
        return Optional.of(new FarmCluster.Settings(name.get(), address, port, members));
    }

    private List<String> farmMembers(String raw) {
        List<String> members = new ArrayList<>();
        for (String part : raw.split(",")) {
            String member = part.strip();
            int colon = member.lastIndexOf(':');
            String host = colon <= 0 ? "" : member.substring(0, colon);
            String port = colon < 0 ? "" : member.substring(colon + 1);
            boolean valid = !host.isEmpty() && host.matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]")
                    && port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
            if (!valid) {
                throw bad(FARM_MEMBERS, raw, "a comma-separated list of HOST:PORT (port 1 to 65535); '" + member
                        + "' is not one");
            }
            members.add(member);
        }
        return List.copyOf(members);
    }

    boolean bool(String key, boolean fallback) {
        return text(key).map(raw -> {
            if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(raw);
            }
            throw bad(key, raw, "true or false");
        }).orElse(fallback);
    }

    /** A file that exists, named by a setting; a relative path is taken from the home. */
    Optional<Path> file(String key) {
        return text(key).map(raw -> {
            Path path = home.resolve(raw).normalize();
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw bad(key, raw, "a readable file (" + path + " is not one)");
            }
            return path;
        });
    }

    Optional<String> text(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    /** One of {@code allowed} (in any case), or {@code fallback} when unset. */
    String oneOf(String key, String fallback, java.util.List<String> allowed) {
        return text(key).map(raw -> allowed.stream().filter(value -> value.equalsIgnoreCase(raw.strip())).findFirst()
                .orElseThrow(() -> bad(key, raw, "one of " + String.join(", ", allowed)))).orElse(fallback);
    }

    int port(String key, int fallback) {
        return text(key).map(raw -> {
            try {
                int port = Integer.parseInt(raw);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(key, raw, "a port number from 0 to 65535 (0 picks a free port)");
        }).orElse(fallback);
    }

    long nonNegativeLong(String key, long fallback) {
        return text(key).map(raw -> {
            try {
                long value = Long.parseLong(raw);
                if (value >= 0) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(key, raw, "a whole number of at least 0");
        }).orElse(fallback);
    }

    long positiveLong(String key, long fallback) {
        return text(key).map(raw -> {
            try {
                long value = Long.parseLong(raw);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(key, raw, "a positive whole number");
        }).orElse(fallback);
    }

    /** An absolute http or https URL without query or fragment, returned without its trailing slash. */
    Optional<String> httpUrl(String key) {
        return text(key).map(raw -> {
            try {
                URI uri = new URI(raw);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                        && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
                    return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
                }
            } catch (URISyntaxException ignored) {
                // reported below
            }
            throw bad(key, raw, "an absolute http:// or https:// URL such as https://git.example.com");
        });
    }

    /** A JDBC URL of a database Facet supports. */
    Optional<String> databaseUrl(String key) {
        return text(key).map(raw -> {
            if (raw.startsWith("jdbc:h2:") || raw.startsWith("jdbc:postgresql:")) {
                return raw;
            }
            throw bad(key, raw, "a JDBC URL starting with jdbc:postgresql: or jdbc:h2:");
        });
    }

    /** An {@code ssh://} URL with a host and nothing after the port, without a trailing slash. */
    Optional<String> sshUrl(String key) {
        return text(key).map(raw -> {
            try {
                java.net.URI uri = new java.net.URI(raw);
                if ("ssh".equals(uri.getScheme()) && uri.getHost() != null && uri.getQuery() == null
                        && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
                    return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            throw bad(key, raw, "an ssh:// URL with a host and no path, such as ssh://git@git.example.com:7999");
        });
    }

    private SettingsError bad(String key, String raw, String expected) {
        String shown = key.equals(DB_PASSWORD) ? "(hidden)" : "'" + raw + "'";
        return new SettingsError("Setting " + key + " (from " + origins.get(key) + ") is " + shown
                + "; it must be " + expected + ".");
    }
}
