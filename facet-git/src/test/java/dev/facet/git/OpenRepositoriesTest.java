package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenRepositoriesTest {
    @TempDir
    Path root;

    @Test
    void aRepositoryInUseIsOpenedOnceAndStaysOpenAfterItsCallersClose() throws IOException {
        OpenRepositories open = new OpenRepositories(10, Duration.ofMinutes(5));
        Path a = repository("a");
        Repository first = open.open(a);
        first.close();
        try (Repository second = open.open(a)) {
            assertThat(second).isSameAs(first);
            assertThat(second.getRefDatabase().getRefs()).isEmpty();
        }
    }

    @Test
    void theLeastRecentlyUsedGoOnceMoreThanTheCapacityAreOpen() throws IOException {
        OpenRepositories open = new OpenRepositories(2, Duration.ofMinutes(5));
        Path a = repository("a");
        Path b = repository("b");
        Path c = repository("c");
        Repository firstA = open.open(a);
        Repository firstB = open.open(b);
        open.open(a).close();
        open.open(c).close();

        assertThat(open.size()).isEqualTo(2);
        try (Repository againA = open.open(a); Repository againB = open.open(b)) {
            assertThat(againA).as("used last but one: kept").isSameAs(firstA);
            assertThat(againB).as("least recently used: let go, opened anew").isNotSameAs(firstB);
            // A caller still holding the one let go reads on until it closes it.
            assertThat(firstB.getRefDatabase().getRefs()).isEmpty();
        } finally {
            firstA.close();
            firstB.close();
        }
    }

    @Test
    void repositoriesUnusedForTooLongGoAtTheNextOpen() throws IOException {
        OpenRepositories open = new OpenRepositories(100, Duration.ZERO);
        Path a = repository("a");
        Repository firstA = open.open(a);
        firstA.close();
        open.open(repository("b")).close();

        assertThat(open.size()).isEqualTo(1);
        try (Repository againA = open.open(a)) {
            assertThat(againA).isNotSameAs(firstA);
        }
    }

    @Test
    void aForgottenRepositoryIsOpenedAnewAndADirectoryWithoutOneIsNotFound() throws IOException {
        OpenRepositories open = new OpenRepositories(10, Duration.ofMinutes(5));
        Path a = repository("a");
        Repository first = open.open(a);
        first.close();
        open.forget(a);
        try (Repository again = open.open(a)) {
            assertThat(again).isNotSameAs(first);
        }

        Path empty = Files.createDirectories(root.resolve("empty"));
        assertThatExceptionOfType(RepositoryNotFoundException.class).isThrownBy(() -> open.open(empty));
        assertThat(open.size()).isEqualTo(1);
    }

    private Path repository(String name) throws IOException {
        Path dir = root.resolve(name);
        try (Repository repository = FileRepositoryBuilder.create(dir.toFile())) {
            repository.create(true);
        }
        return dir;
    }
}
