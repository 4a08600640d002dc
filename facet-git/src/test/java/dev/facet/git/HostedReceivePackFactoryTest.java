package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GitAccessPolicy;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.TokenScope;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.junit.jupiter.api.Test;

class HostedReceivePackFactoryTest {
    private static final long REPOSITORY_ID = 7;
    private static final Caller READER = Caller.user(3, Username.of("reader"), GlobalRole.USER, TokenScope.PASSWORD);

    /** Lets through only the writers it was given, as the primary's access rules would. */
    private static GitAccessPolicy writableBy(Caller writer) {
        return new GitAccessPolicy() {
            @Override
            public long authorize(Caller caller, ProjectKey project, RepositorySlug repository, AccessLevel needed) {
                return REPOSITORY_ID;
            }

            @Override
            public void requireWrite(Caller caller, long repositoryId) {
                if (!caller.equals(writer) || repositoryId != REPOSITORY_ID) {
                    throw new PermissionDenied("You need WRITE access to repository PRJ/repo for this.");
                }
            }
        };
    }

    /** A session as access control leaves it: the repository chosen and the caller known, whatever the URL was. */
    private static GitSession requestFrom(Caller caller) {
        return new GitSession(REPOSITORY_ID, caller, null);
    }

    private static HostedReceivePackFactory factory(GitAccessPolicy access) {
        return new HostedReceivePackFactory(null, access, RefChangeListener.NONE, GitOperationObserver.NONE);
    }

    @Test
    void aReaderIsRefusedWhereThePackWouldBeReceived() {
        InMemoryRepository repository = new InMemoryRepository(new DfsRepositoryDescription("repo"));
        Caller writer = Caller.user(4, Username.of("writer"), GlobalRole.USER, TokenScope.PASSWORD);

        assertThatThrownBy(() -> factory(writableBy(writer)).create(requestFrom(READER), repository))
                .isInstanceOf(ServiceNotEnabledException.class)
                .hasMessageContaining("You need WRITE access");
    }

    @Test
    void aWriterGetsAReceivePack() throws Exception {
        InMemoryRepository repository = new InMemoryRepository(new DfsRepositoryDescription("repo"));

        assertThat(factory(writableBy(READER)).create(requestFrom(READER), repository)).isNotNull();
    }
}
