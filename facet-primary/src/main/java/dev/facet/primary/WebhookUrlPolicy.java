package dev.facet.primary;

import dev.facet.core.error.InvalidInput;
import dev.facet.core.mirror.FarmNode;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.store.Store;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.function.Function;

/**
 * Where a webhook may be delivered. Webhooks are the primary's only outgoing calls, so they are kept from reaching
 * what the primary's network position would otherwise expose: a loopback or link-local address (the machine itself,
 * a cloud metadata service) is refused unless an administrator allows local hooks, and a mirror never, since the
 * primary does not call mirrors. The host is resolved and every address it names is checked, when the hook is saved
 * and again before each delivery, so a name that later resolves elsewhere is caught too.
 */
public final class WebhookUrlPolicy {
    private final boolean allowLocal;
    private final Store store;
    private final Function<String, InetAddress[]> resolver;

    public WebhookUrlPolicy(boolean allowLocal, Store store) {
        this(allowLocal, store, WebhookUrlPolicy::resolve);
    }

    WebhookUrlPolicy(boolean allowLocal, Store store, Function<String, InetAddress[]> resolver) {
        this.allowLocal = allowLocal;
        this.store = store;
        this.resolver = resolver;
    }

    /** The URL as a URI when a delivery may go there; {@link InvalidInput} on the field {@code url} saying why not. */
    public URI check(String url) {
        URI uri = parse(url);
        if (!allowLocal) {
            for (InetAddress address : resolver.apply(uri.getHost())) {
                if (isLocal(address)) {
                    throw new InvalidInput("url", "The webhook URL " + url + " points at " + address.getHostAddress()
                            + ", a loopback or link-local address; Facet delivers there only when an administrator "
                            + "sets facet.webhooks.allow-local=true.");
                }
            }
        }
        String origin = origin(uri);
        boolean atMirror = store.inTransaction(tx -> {
            for (int start = 0; ; start += 100) {
                var page = tx.mirrorServers().list(start, 100);
                for (MirrorServer mirror : page) {
                    if (origin.equals(originOf(mirror.baseUrl()))) {
                        return true;
                    }
                    for (FarmNode node : tx.farmNodes().ofMirror(mirror.id())) {
                        if (origin.equals(originOf(node.url()))) {
                            return true;
                        }
                    }
                }
                if (page.size() < 100) {
                    return false;
                }
            }
        });
        if (atMirror) {
            throw new InvalidInput("url", "The webhook URL " + url + " points at a mirror; the primary never calls "
                    + "its mirrors.");
        }
        return uri;
    }

    private static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new InvalidInput("url", "A webhook needs a URL.");
        }
        if (url.length() > 2000) {
            throw new InvalidInput("url", "A webhook URL has at most 2000 characters.");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new InvalidInput("url", "The webhook URL is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidInput("url", "A webhook URL starts with http:// or https://, not '" + url + "'.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidInput("url", "The webhook URL " + url + " names no host.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidInput("url", "A webhook URL carries no credentials; the receiver checks X-Hub-Signature.");
        }
        return uri;
    }

    /** Loopback, link-local, or the wildcard address (which reaches the machine itself). */
    static boolean isLocal(InetAddress address) {
        return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || isIpv4MappedLocal(address);
    }

    private static boolean isIpv4MappedLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return false;
        }
        int first = bytes[12] & 0xff;
        int second = bytes[13] & 0xff;
        return first == 127 || first == 0 || first == 169 && second == 254;
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidInput("url", "The webhook host " + host + " cannot be resolved.");
        }
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String originOf(String url) {
        try {
            URI uri = new URI(url);
            return uri.getScheme() == null || uri.getHost() == null ? "" : origin(uri);
        } catch (URISyntaxException e) {
            return "";
        }
    }
}
