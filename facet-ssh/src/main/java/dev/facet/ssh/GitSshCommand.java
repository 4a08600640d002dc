package dev.facet.ssh;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the commands Git sends over SSH, and nothing else: {@code git-upload-pack},
 * {@code git-receive-pack} or {@code git-upload-archive} with one path argument
 * {@code [/]PROJECT/repository[.git]}, quoted as Git quotes it ({@code '…'}) or bare.
 *
 * @param service    the command's name
 * @param project    the project key as written (not yet validated)
 * @param repository the repository slug as written, without {@code .git}
 */
record GitSshCommand(String service, String project, String repository) {
    static final String UPLOAD_PACK = "git-upload-pack";
    static final String RECEIVE_PACK = "git-receive-pack";
    static final String UPLOAD_ARCHIVE = "git-upload-archive";

    /** A path argument, quoted as Git quotes it or bare: groups for each form. */
    static final String PATH_ARGUMENT = "(?:'(/?[\\w.-]+/[\\w.-]+)'|(/?[\\w.-]+/[\\w.-]+))";
    /**
     * Names hold only the characters project keys and slugs may have, so no shell or path syntax
     * ({@code ;}, quotes, spaces, {@code ..} as a segment) ever reaches further than this.
     */
    private static final Pattern COMMAND = Pattern.compile(
            "(git-upload-pack|git-receive-pack|git-upload-archive) +" + PATH_ARGUMENT);
    private static final Pattern PATH = Pattern.compile("/?([\\w.-]+)/([\\w.-]+?)(?:\\.git)?");

    /** Why a command is refused, in words an SSH user can act on. */
    static final String EXPECTED = "Facet serves Git over SSH only: git clone ssh://git@HOST:PORT/PROJECT/repository.git";

    static Optional<GitSshCommand> parse(String command) {
        Matcher matcher = COMMAND.matcher(command == null ? "" : command.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String service = matcher.group(1);
        return names(matcher.group(2) != null ? matcher.group(2) : matcher.group(3))
                .map(names -> new GitSshCommand(service, names.get(0), names.get(1)));
    }

    /** The project and the repository a command's path argument names, without {@code .git}. */
    static Optional<List<String>> names(String path) {
        Matcher names = PATH.matcher(path);
        if (!names.matches() || names.group(1).startsWith(".") || names.group(2).startsWith(".")) {
            return Optional.empty();
        }
        return Optional.of(List.of(names.group(1), names.group(2)));
    }

    boolean isPush() {
        return RECEIVE_PACK.equals(service);
    }

    boolean isArchive() {
        return UPLOAD_ARCHIVE.equals(service);
    }
}
