package dev.facet.ssh;

import dev.facet.core.access.AccessLevel;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What git-lfs sends over SSH to learn where a repository's Git LFS API is and how to call it:
 * {@code git-lfs-authenticate [/]PROJECT/repository[.git] download|upload}, the path as in Git's commands.
 *
 * @param level READ for {@code download}, WRITE for {@code upload}: what the authorizer must allow
 */
record LfsAuthenticateCommand(String project, String repository, AccessLevel level) {
    static final String NAME = "git-lfs-authenticate";
    private static final Pattern COMMAND = Pattern.compile(
            NAME + " +" + GitSshCommand.PATH_ARGUMENT + " +(download|upload)");

    static Optional<LfsAuthenticateCommand> parse(String command) {
        Matcher matcher = COMMAND.matcher(command == null ? "" : command.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        AccessLevel level = matcher.group(3).equals("upload") ? AccessLevel.WRITE : AccessLevel.READ;
        return GitSshCommand.names(matcher.group(1) != null ? matcher.group(1) : matcher.group(2))
                .map(names -> new LfsAuthenticateCommand(names.get(0), names.get(1), level));
    }
}
