package dev.facet.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The load balancers in front of a server (facet.http.trusted-proxies): addresses and CIDR blocks
 * whose {@code X-Forwarded-For} names the real client. Behind a balancer every request comes from
 * the balancer's address, so without this one address would carry every user's share of the
 * per-address limits, and a password guesser's failures would lock out everyone. The header is
 * read only from these addresses: from anyone else it is the client's own claim.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    /** One address block: the first {@code prefixBits} bits of {@code network}. */
    private record Block(byte[] network, int prefixBits) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (bytes[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Reads a comma-separated list of IP addresses and CIDR blocks ({@code 10.0.0.5, 10.1.0.0/16, ::1}).
     *
     * @throws IllegalArgumentException naming the entry that is not one
     */
    public static TrustedProxies parse(String list) {
        List<Block> blocks = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            byte[] network = literalAddress(host).orElseThrow(() -> new IllegalArgumentException(
                    "'" + entry + "' is not an IP address or a CIDR block (such as 10.0.0.0/8)")).getAddress();
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0 to "
                            + network.length * 8);
                }
            }
            blocks.add(new Block(network, bits));
        }
        return new TrustedProxies(blocks);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean contains(InetAddress address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /**
     * The client a request came from: the connection's peer, unless the peer is a trusted proxy;
     * then the nearest address in {@code X-Forwarded-For} (read from the right) that is not one.
     * Entries left of that are the client's own claims and are never read.
     */
    public InetAddress clientOf(InetAddress peer, List<String> forwardedFor) {
        if (!contains(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literalAddress(hops.get(i));
            if (hop.isEmpty()) {
                // Not an address: whatever follows cannot be trusted; the last proxy's peer is the client.
                return client;
            }
            client = hop.get();
            if (!contains(client)) {
                return client;
            }
        }
        return client;
    }

    /** An IP literal, never a host name: a name would need a DNS lookup per request, and could lie. */
    private static Optional<InetAddress> literalAddress(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean ipv4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = literal.contains(":") && literal.matches("[0-9A-Fa-f:.]+");
        if (!ipv4 && !ipv6) {
            return Optional.empty();
        }
        // An octet past 255 is no literal, and InetAddress would look it up as a host name.
        if (ipv4 && java.util.Arrays.stream(literal.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
