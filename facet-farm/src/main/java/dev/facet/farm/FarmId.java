package dev.facet.farm;

import com.hazelcast.map.IMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The farm's id: the mirror id the primary knows the farm by. The first node that offers one sets
 * it for the whole cluster (put-if-absent on a shared map: whoever offers first wins, and every
 * other node reads the same answer); each node keeps it in its home, so a restarted farm keeps its
 * registration, and a node whose home names another farm refuses to join this one.
 */
public final class FarmId {
    /** The file in a node's home that names the farm it belongs to. */
    public static final String FILE = "farm-id";
    static final String MAP = "facet-farm";
    static final String KEY = "farm-id";

    private FarmId() {
    }

    /**
     * Agrees on the farm's id with the cluster and keeps it in {@code home}.
     *
     * @param newId where an id comes from when this node is the first of a new farm
     * @throws FarmMismatch when {@code home} names a farm other than the cluster's
     */
    public static String agree(FarmCluster cluster, Path home, Supplier<String> newId) {
        Path file = home.resolve(FILE);
        Optional<String> kept = read(file);
        String offered = kept.orElseGet(newId);
        IMap<String, String> shared = cluster.hazelcast().getMap(MAP);
        String agreed = Optional.ofNullable(shared.putIfAbsent(KEY, offered)).orElse(offered);
        if (kept.isPresent() && !kept.get().equals(agreed)) {
            throw new FarmMismatch("This node belongs to the farm with id " + kept.get() + " (as " + file
                    + " says), but the members of farm '" + cluster.farmName() + "' it joined form the farm with id "
                    + agreed + ". Start it with the members of its own farm, or give it a new home to join this one.");
        }
        if (kept.isEmpty()) {
            write(file, agreed);
        }
        return agreed;
    }

    /** The farm id {@code home} keeps, if any. */
    public static Optional<String> kept(Path home) {
        return read(home.resolve(FILE));
    }

    /** The farm id the cluster's members agreed on, if any member holds it. */
    static Optional<String> shared(FarmCluster cluster) {
        return Optional.ofNullable(cluster.hazelcast().<String, String>getMap(MAP).get(KEY));
    }

    /** A new farm id, random. */
    public static String random() {
        return UUID.randomUUID().toString();
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    .filter(id -> !id.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the farm id in " + file, e);
        }
    }

    private static void write(Path file, String id) {
        try {
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the farm id in " + file, e);
        }
    }
}
