package dev.facet.git;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.RefFilter;

/**
 * Where a mirror keeps what its upstream deleted or rewound: {@code refs/facet-kept/<epoch
 * seconds>/<ref without refs/>}, pointing at the object the ref had. Clients never see this
 * namespace and refs hashes leave it out; it is purged after the retention window.
 */
public final class KeptRefs {
    public static final String PREFIX = Constants.R_REFS + "facet-kept/";

    private KeptRefs() {
    }

    /** Shows a client every ref but the kept ones: for uploads and for receives alike. */
    public static final RefFilter HIDDEN = refs -> {
        Map<String, Ref> visible = new HashMap<>(refs);
        visible.keySet().removeIf(KeptRefs::isKept);
        return visible;
    };

    public static boolean isKept(String refName) {
        return refName.startsWith(PREFIX);
    }

    /** The kept name of {@code refName} as of {@code at}. */
    public static String keptName(String refName, Instant at) {
        return PREFIX + at.getEpochSecond() + "/" + refName.substring(Constants.R_REFS.length());
    }

    /** When a kept ref was kept, read from its name. */
    public static Instant keptAt(String keptName) {
        String rest = keptName.substring(PREFIX.length());
        return Instant.ofEpochSecond(Long.parseLong(rest.substring(0, rest.indexOf('/'))));
    }

    /** The ref a kept ref was kept from. */
    public static String originalName(String keptName) {
        String rest = keptName.substring(PREFIX.length());
        return Constants.R_REFS + rest.substring(rest.indexOf('/') + 1);
    }
}
