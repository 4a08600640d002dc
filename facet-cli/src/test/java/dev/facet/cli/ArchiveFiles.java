package dev.facet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a user finds after unpacking an archive with the machine's {@code tar} or {@code unzip}. */
final class ArchiveFiles {
    private ArchiveFiles() {
    }

    /**
     * Each file's path in the archive and its content, the content marked {@code [x]} for an
     * executable file (zip carries modes that unzip restores too).
     */
    static Map<String, String> of(Path archive) {
        Path into = archive.resolveSibling(archive.getFileName() + ".unpacked");
        try {
            Files.createDirectories(into);
            String name = archive.getFileName().toString();
            SshKeyPair.run(name.endsWith(".zip") ? List.of("unzip", "-q", archive.toString(), "-d", into.toString())
                    : List.of("tar", "-xf", archive.toString(), "-C", into.toString()));
            Map<String, String> files = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(into)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    files.put(into.relativize(file).toString(), (Files.isExecutable(file) ? "[x]" : "")
                            + Files.readString(file, StandardCharsets.UTF_8));
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
