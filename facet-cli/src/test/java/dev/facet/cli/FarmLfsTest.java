package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git LFS through a farm of two real nodes: a balancer may send the batch request to one node and the
 * download to the other, so the transfer tokens one node signs must be good on every node of its farm,
 * and on no other server. The requests go to each node's own URL, as the balancer would send them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmLfsTest {
    private static final String READER = LfsHttp.basic("reader", "reader-pass-1");

    @TempDir
    static Path home;
    static TestPrimary primary;
    static TestFarm farm;
    static byte[] first;
    static byte[] second;

    @BeforeAll
    static void aPrimaryHoldingTwoObjectsAndAFarmOfTwo() throws Exception {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("FLFS");
        primary.createRepository("FLFS", "assets", false);
        primary.createUser("alice", "alice-pass-1");
        primary.createUser("reader", "reader-pass-1");
        primary.grantProject("FLFS", "alice", "PROJECT_WRITE");
        primary.grantProject("FLFS", "reader", "PROJECT_READ");
        first = upload(new Random(21), 300_000);
        second = upload(new Random(22), 200_000);
        farm = TestFarm.start(home.resolve("farm"), primary.baseUrl(), "lfs", 2,
                Map.of(RawSettings.RECONCILE_SECONDS, "2"));
        farm.authorizeOn(primary);
    }

    @AfterAll
    static void stopAll() {
        farm.close();
        primary.close();
    }

    private static byte[] upload(Random random, int size) throws Exception {
        byte[] content = new byte[size];
        random.nextBytes(content);
        LfsHttp onPrimary = new LfsHttp(primary.baseUrl());
        LfsHttp.Answer stored = onPrimary.act(onPrimary.batch("FLFS/assets", LfsHttp.basic("alice", "alice-pass-1"),
                "upload", LfsHttp.oid(content), content.length), "upload", content);
        assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        return content;
    }

    /** A batch download answer for {@code content} from the server at {@code baseUrl}. */
    private static LfsHttp.Answer batch(String baseUrl, byte[] content) throws Exception {
        LfsHttp.Answer batch = new LfsHttp(baseUrl).batch("FLFS/assets", READER, "download", LfsHttp.oid(content),
                content.length);
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        return batch;
    }

    private static String token(LfsHttp.Answer batch) throws Exception {
        return batch.json().path("objects").path(0).path("actions").path("download").path("header")
                .path("Authorization").asText();
    }

    /** The download of {@code content} at the node of {@code nodeUrl}, with the header {@code authorization}. */
    private static LfsHttp.Answer download(String nodeUrl, byte[] content, String authorization) throws Exception {
        return new LfsHttp(nodeUrl).call("GET", "/scm/FLFS/assets.git/info/lfs/objects/" + LfsHttp.oid(content),
                authorization, null);
    }

    @Test
    @Order(1)
    void aDownloadAnsweredByOneNodesBatchIsServedByTheOther() throws Exception {
        TestFarm.Node one = farm.nodes.get(0);
        TestFarm.Node other = farm.nodes.get(1);
        LfsHttp.Answer batch = batch(one.url(), first);
        String href = batch.json().path("objects").path(0).path("actions").path("download").path("href").asText();
        assertThat(href).as("the client is sent to the balancer, which may pick either node")
                .startsWith(farm.loadBalancerUrl + "/scm/FLFS/assets.git/info/lfs/objects/");

        LfsHttp.Answer downloaded = new LfsHttp(other.url()).call("GET", URI.create(href).getPath(), token(batch),
                null);
        assertThat(downloaded.status()).as(downloaded.body()).isEqualTo(200);
        assertThat(LfsHttp.oid(downloaded.raw().body())).isEqualTo(LfsHttp.oid(first));

        LfsHttp.Answer back = download(one.url(), second, token(batch(other.url(), second)));
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(back.raw().body()).isEqualTo(second);
    }

    @Test
    @Order(2)
    void theFarmsTokensOpenOnlyTheirOwnObjectAndNoOtherServersTokenOpensAnything() throws Exception {
        TestFarm.Node one = farm.nodes.get(0);
        TestFarm.Node other = farm.nodes.get(1);
        String firstsToken = token(batch(one.url(), first));
        assertThat(download(other.url(), second, firstsToken).status()).as("another object").isEqualTo(403);
        // The primary signs the same kind of token for the same repository, under its own key.
        String primarysToken = token(batch(primary.baseUrl(), first));
        assertThat(download(primary.baseUrl(), first, primarysToken).status()).isEqualTo(200);
        assertThat(download(other.url(), first, primarysToken).status()).isEqualTo(401);
        assertThat(download(primary.baseUrl(), first, firstsToken).status()).as("the farm's on the primary")
                .isEqualTo(401);
        // The user's own password is no transfer token, nor is a token with its signature altered.
        assertThat(download(other.url(), first, READER).status()).isEqualTo(401);
        String altered = firstsToken.substring(0, firstsToken.length() - 2)
                + (firstsToken.endsWith("AA") ? "BB" : "AA");
        assertThat(download(other.url(), first, altered).status()).isEqualTo(401);
    }

    @Test
    @Order(3)
    void aNodeRestartedWhileTheOtherRunsSignsAndHonoursTheSameTokens() throws Exception {
        TestFarm.Node restarting = farm.nodes.get(0);
        TestFarm.Node staying = farm.nodes.get(1);
        String issuedBeforeTheRestart = token(batch(restarting.url(), first));
        farm.stop(restarting);
        assertThat(download(staying.url(), first, issuedBeforeTheRestart).status())
                .as("a token of the stopped node, on the node that stayed").isEqualTo(200);

        TestFarm.Node restarted = farm.restart(restarting.home(), Map.of(RawSettings.RECONCILE_SECONDS, "2"));
        restarted.awaitStatus("SYNCHRONIZED");
        LfsHttp.Answer old = download(restarted.url(), second, token(batch(staying.url(), second)));
        assertThat(old.status()).as(old.body()).isEqualTo(200);
        assertThat(old.raw().body()).isEqualTo(second);
        assertThat(download(restarted.url(), first, issuedBeforeTheRestart).status())
                .as("its own token from before the restart").isEqualTo(200);
        assertThat(download(staying.url(), first, token(batch(restarted.url(), first))).status()).isEqualTo(200);
    }
}
