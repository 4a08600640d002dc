package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.ref.RefsHash;
import dev.facet.core.tls.OutboundTrust;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetcher asks, with the hash of what was advertised, whether it may delete or rewind, before any ref moves. */
class MirrorFetcherDestructiveChangesTest {
    @TempDir
    Path work;
    private Git upstream;
    private Repository mirror;
    private final MirrorFetcher fetcher = new MirrorFetcher(OutboundTrust.jvmDefault());
    private RevCommit first;

    @BeforeEach
    void anUpstreamWithMainAndFeatureFetchedOnce() throws Exception {
        upstream = Git.init().setDirectory(work.resolve("upstream").toFile()).setInitialBranch("main").call();
        first = commit("a.txt");
        commit("b.txt");
        upstream.branchCreate().setName("feature").call();
        mirror = Git.init().setBare(true).setDirectory(work.resolve("mirror.git").toFile()).call().getRepository();
        fetcher.fetch(mirror, url(), "unused", advertised -> true);
        assertThat(refs(mirror)).isEqualTo(refs(upstream.getRepository()));
    }

    @Test
    void anAdvertisementTheCallerDoesNotTrustDeletesNothingAndRewindsNothing() throws Exception {
        Map<String, ObjectId> before = refs(mirror);
        rewindMainAndDeleteFeature();
        List<RefsHash> asked = new ArrayList<>();

        MirrorFetcher.Outcome outcome = fetcher.fetch(mirror, url(), "unused", advertised -> {
            asked.add(advertised);
            return false;
        });

        assertThat(refs(mirror)).isEqualTo(before);
        assertThat(asked).containsExactly(RefsHash.of(refs(upstream.getRepository())));
        assertThat(outcome.advertised()).isEqualTo(RefsHash.of(refs(upstream.getRepository())));
    }

    @Test
    void anAdvertisementTheCallerTrustsIsAppliedWholeWithWhatWentKeptAside() throws Exception {
        Map<String, ObjectId> before = refs(mirror);
        rewindMainAndDeleteFeature();
        RefsHash expected = RefsHash.of(refs(upstream.getRepository()));

        fetcher.fetch(mirror, url(), "unused", expected::equals);

        assertThat(refs(mirror)).isEqualTo(refs(upstream.getRepository()));
        assertThat(mirror.getRefDatabase().getRefsByPrefix(KeptRefs.PREFIX)).extracting(Ref::getObjectId)
                .contains(before.get("refs/heads/main"), before.get("refs/heads/feature"));
    }

    private void rewindMainAndDeleteFeature() throws Exception {
        upstream.branchDelete().setBranchNames("feature").setForce(true).call();
        upstream.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(first.name()).call();
    }

    private RevCommit commit(String file) throws Exception {
        Files.writeString(work.resolve("upstream").resolve(file), file);
        upstream.add().addFilepattern(file).call();
        return upstream.commit().setMessage("add " + file).setSign(false).call();
    }

    private String url() {
        return new File(upstream.getRepository().getDirectory().getPath()).toURI().toString();
    }

    private static Map<String, ObjectId> refs(Repository repository) throws Exception {
        Map<String, ObjectId> refs = new HashMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            if (!KeptRefs.isKept(ref.getName())) {
                refs.put(ref.getName(), ref.getObjectId());
            }
        }
        return refs;
    }
}
