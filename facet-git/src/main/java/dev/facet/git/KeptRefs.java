package dev.facet.git;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefFilter;

/**
 * Where a mirror keeps what its upstream deleted or rewound: {@code refs/facet-kept/<epoch
 * seconds>/<ref without refs/>}, pointing at the object the ref had. Clients never see this
 * namespace and refs hashes leave it out; it is purged after the retention window.
 *
 * <p>The repositories holding kept refs are marked beside the repositories, one empty file each under
 * {@code .kept-refs/} named as the repository's directory, written before their first kept ref: the purge visits
 * those alone instead of reading the refs of every repository every half minute.
 */
public final class KeptRefs {
    public static final String PREFIX = Constants.R_REFS + "facet-kept/";
    /** The directory of the marks, beside the repositories' own directories. */
    static final String HOLDERS = ".kept-refs";

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

    /** Marks {@code repository} as holding kept refs; before any is written, so none is ever unmarked. */
    static void markHolder(Repository repository) throws IOException {
        if (repository.getDirectory() == null) {
            return; // held in memory: nothing on disk to purge or to mark
        }
        Path mark = holderMark(repository.getDirectory().toPath());
        if (Files.exists(mark)) {
            return;
        }
        Files.createDirectories(mark.getParent());
        try {
            Files.createFile(mark);
        } catch (FileAlreadyExistsException e) {
            // Marked meanwhile by another writer: as good.
        }
    }

    /** The mark of the repository in {@code gitDir}. */
    static Path holderMark(Path gitDir) {
        return gitDir.resolveSibling(HOLDERS).resolve(gitDir.getFileName().toString());
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
