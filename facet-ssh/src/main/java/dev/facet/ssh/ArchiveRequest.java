package dev.facet.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code git archive --remote} asks for, read from the arguments its client sends: a format,
 * a prefix, a tree-ish and paths, and nothing else. Git's client keeps {@code --remote},
 * {@code --exec} and {@code --output} to itself; any other option (extra files, worktree
 * attributes, compression levels) is refused rather than ignored, so an archive never differs
 * silently from what was asked.
 *
 * @param format  {@code tar}, {@code zip}, {@code tar.gz} or {@code tgz}
 * @param prefix  put before every path in the archive, empty for none
 * @param treeish a ref such as {@code HEAD}, {@code main} or {@code v1}, optionally {@code :path} inside it
 * @param paths   the paths inside the tree to archive, all when empty
 */
record ArchiveRequest(String format, String prefix, String treeish, List<String> paths) {
    static final Set<String> FORMATS = Set.of("tar", "zip", "tar.gz", "tgz");
    /** As many arguments as Git's own server takes. */
    static final int MAX_ARGUMENTS = 64;

    /** An argument list Facet does not serve; its message goes to the client as Git's NACK reason. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * @param arguments as the client sent them, one per {@code argument} line, in order
     * @throws Refused saying which argument is not served, or that the tree-ish is missing
     */
    static ArchiveRequest parse(List<String> arguments) {
        if (arguments.size() > MAX_ARGUMENTS) {
            throw new Refused("too many arguments (more than " + MAX_ARGUMENTS + ")");
        }
        String format = "tar";
        String prefix = "";
        List<String> positional = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.indexOf('\0') >= 0 || argument.indexOf('\n') >= 0) {
                throw new Refused("an argument holds a control character");
            }
            if (!options || !argument.startsWith("-")) {
                positional.add(argument);
            } else if (argument.equals("--")) {
                options = false;
            } else if (argument.startsWith("--format=")) {
                format = argument.substring("--format=".length());
            } else if (argument.equals("--format") && i + 1 < arguments.size()) {
                format = arguments.get(++i);
            } else if (argument.startsWith("--prefix=")) {
                prefix = argument.substring("--prefix=".length());
            } else if (argument.equals("--prefix") && i + 1 < arguments.size()) {
                prefix = arguments.get(++i);
            } else {
                throw new Refused("'" + argument + "' is not served; git archive --remote on Facet takes --format, "
                        + "--prefix, a tree-ish and paths");
            }
        }
        if (!FORMATS.contains(format)) {
            throw new Refused("unknown archive format '" + format + "'; use tar, zip or tar.gz");
        }
        if (positional.isEmpty()) {
            throw new Refused("name the tree-ish to archive, such as HEAD or a branch");
        }
        String treeish = positional.get(0);
        if (treeish.isEmpty()) {
            throw new Refused("name the tree-ish to archive, such as HEAD or a branch");
        }
        return new ArchiveRequest(format, prefix, treeish, List.copyOf(positional.subList(1, positional.size())));
    }
}
