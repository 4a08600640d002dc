package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitHttpEndpointTest {
    private static final String[] NO_SERVICE = null;

    private static String[] service(String... values) {
        return values;
    }

    @Test
    void gitsOwnSmartHttpRequestsAreRecognised() {
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/info/refs", service("git-upload-pack")))
                .hasValue(new GitHttpEndpoint("PRJ", "repo", GitHttpEndpoint.Service.UPLOAD_PACK, true));
        assertThat(GitHttpEndpoint.parse("/PRJ/repo/info/refs", service("git-receive-pack")))
                .hasValue(new GitHttpEndpoint("PRJ", "repo", GitHttpEndpoint.Service.RECEIVE_PACK, true));
        assertThat(GitHttpEndpoint.parse("/prj/repo.git/git-upload-pack", NO_SERVICE))
                .hasValue(new GitHttpEndpoint("prj", "repo", GitHttpEndpoint.Service.UPLOAD_PACK, false));
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/git-receive-pack", NO_SERVICE).orElseThrow().isPush()).isTrue();
    }

    @Test
    void aPushHiddenBehindExtraPathSegmentsIsNotAGitEndpoint() {
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/x/git-receive-pack", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/x/info/refs", service("git-receive-pack"))).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/x/y/git-upload-pack", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse("//PRJ/repo.git/git-receive-pack", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ//repo.git/git-receive-pack", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/git-receive-pack/", NO_SERVICE)).isEmpty();
    }

    @Test
    void theDumbProtocolAndUnknownServicesAreNotServed() {
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/info/refs", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/info/refs", service("git-upload-archive"))).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/info/refs", service("git-upload-pack", "git-receive-pack")))
                .isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/HEAD", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/objects/info/packs", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/git-upload-pack", service("git-receive-pack"))).isEmpty();
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git", NO_SERVICE)).isEmpty();
        assertThat(GitHttpEndpoint.parse(null, NO_SERVICE)).isEmpty();
    }

    @Test
    void aPushTravelsOnInTheOneFormGitSends() {
        assertThat(GitHttpEndpoint.parse("/PRJ/repo/info/refs", service("git-receive-pack")).orElseThrow().pathAndQuery())
                .isEqualTo("/info/refs?service=git-receive-pack");
        assertThat(GitHttpEndpoint.parse("/PRJ/repo.git/git-receive-pack", NO_SERVICE).orElseThrow().pathAndQuery())
                .isEqualTo("/git-receive-pack");
    }
}
