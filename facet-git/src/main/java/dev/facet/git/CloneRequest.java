package dev.facet.git;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a full clone's upload-pack request asks for, reduced to what decides the bytes of the
 * answer: the protocol version, the objects wanted, and the capabilities that change the pack or
 * its framing. What only describes the client (its agent string, a session id) is left out, so
 * clients that differ only in those share one kept answer. A request carrying anything this class
 * does not know is not a cacheable clone: guessing that an unknown option leaves the bytes alone
 * could serve a client a pack it did not ask for.
 */
record CloneRequest(String protocol, Set<String> wants, Set<String> capabilities) {
    /** Capabilities (protocol v0/v1, on the first want line) and arguments (v2) that shape the answer. */
    private static final Set<String> SHAPING = Set.of(
            "multi_ack", "multi_ack_detailed", "no-done", "side-band", "side-band-64k", "sideband-all", "thin-pack",
            "ofs-delta", "no-progress", "include-tag", "allow-tip-sha1-in-want", "allow-reachable-sha1-in-want",
            "wait-for-done", "command=fetch", "object-format=sha1", "object-format=sha256");
    /** Values that only say who is asking; the answer's bytes never depend on them. */
    private static final List<String> DESCRIPTIVE_PREFIXES = List.of("agent=", "session-id=");
    private static final String WANT = "want ";

    CloneRequest {
        wants = Set.copyOf(wants);
        capabilities = Set.copyOf(capabilities);
    }

    /**
     * The request, when it is a full clone Facet can answer from a kept file: objects wanted, none
     * offered, no shallow or partial history, nothing negotiated, and no option this class does not know.
     *
     * @param gitProtocol the request's {@code Git-Protocol} header, which selects protocol v2
     */
    static Optional<CloneRequest> parse(byte[] body, String gitProtocol) {
        List<String> lines = pktLines(body);
        if (lines == null) {
            return Optional.empty();
        }
        Set<String> wants = new TreeSet<>();
        Set<String> capabilities = new TreeSet<>();
        boolean done = false;
        for (String line : lines) {
            if (line.startsWith(WANT)) {
                String[] words = line.substring(WANT.length()).split(" ");
                wants.add(words[0]);
                for (int i = 1; i < words.length; i++) {
                    if (!addOption(words[i], capabilities)) {
                        return Optional.empty();
                    }
                }
            } else if (line.equals("done")) {
                done = true;
            } else if (!addOption(line, capabilities)) {
                return Optional.empty();
            }
        }
        if (wants.isEmpty() || !done) {
            return Optional.empty();
        }
        String protocol = gitProtocol != null && gitProtocol.contains("version=2") ? "2" : "0";
        return Optional.of(new CloneRequest(protocol, wants, capabilities));
    }

    /** What keys the kept answer: the same text for every request the same answer fits. */
    String canonical() {
        return "protocol " + protocol + "\n" + String.join("\n", new TreeSet<>(capabilities)) + "\n"
                + String.join("\n", new TreeSet<>(wants)) + "\n";
    }

    /** Adds an option that shapes the answer, skips one that only describes the client; false for anything else. */
    private static boolean addOption(String option, Set<String> capabilities) {
        if (option.isEmpty() || DESCRIPTIVE_PREFIXES.stream().anyMatch(option::startsWith)) {
            return true;
        }
        if (SHAPING.contains(option)) {
            capabilities.add(option);
            return true;
        }
        return false;
    }

    /** The payloads of a pkt-line stream (flush and delimiter packets dropped), or null when it is not one. */
    static List<String> pktLines(byte[] body) {
        List<String> lines = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            if (at + 4 > body.length) {
                return null;
            }
            int length;
            try {
                length = Integer.parseInt(new String(body, at, 4, StandardCharsets.US_ASCII), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (length < 4) {
                at += 4;
                continue;
            }
            if (at + length > body.length) {
                return null;
            }
            String payload = new String(body, at + 4, length - 4, StandardCharsets.UTF_8);
            int nul = payload.indexOf('\0');
            lines.add((nul >= 0 ? payload.substring(0, nul) : payload).strip());
            at += length;
        }
        return lines;
    }
}
