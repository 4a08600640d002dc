package dev.facet.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one client address holds open: a connection past the cap is closed as soon
 * as it opens, before it is read from, so that it holds no thread. Only network connections count
 * (under TLS, the decrypted connection inside one is the same client). A trusted load balancer's
 * connections are not capped: they carry every client's, and its own limits apply in front.
 */
final class ConnectionsPerAddress implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionsPerAddress.class);

    private final int limit;
    private final TrustedProxies uncapped;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** Whom each counted connection was from: once closed, a connection no longer knows its remote address. */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    /** Addresses told about once, until all their connections have closed: one line per flood, not one per connection. */
    private final Set<InetAddress> warned = ConcurrentHashMap.newKeySet();

    ConnectionsPerAddress(int limit, TrustedProxies uncapped) {
        this.limit = limit;
        this.uncapped = uncapped;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null || uncapped.contains(address)) {
            return;
        }
        counted.put(connection, address);
        int count = open.merge(address, 1, Integer::sum);
        if (count > limit) {
            if (warned.add(address)) {
                log.warn("{} holds {} connections, the most one address may (facet.http.max-connections-per-address); "
                        + "further ones are closed", address.getHostAddress(), limit);
            }
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address == null) {
            return;
        }
        if (open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1) == null) {
            warned.remove(address);
        }
    }

    private static InetAddress address(Connection connection) {
        if (!(connection.getEndPoint() instanceof SocketChannelEndPoint network)) {
            return null;
        }
        SocketAddress remote = network.getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
