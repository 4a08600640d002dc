package dev.facet.cli;

import dev.facet.core.file.Directories;
import dev.facet.core.access.Caller;
import dev.facet.core.access.TokenScope;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.name.Username;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code facet demo}: a primary and an authorized mirror on loopback with a sample repository,
 * for a first look. Homes live under a temporary directory; Ctrl-C stops both.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a primary and a mirror on loopback with a sample repository, the mirror already authorized.")
final class DemoCommand implements Callable<Integer> {
    private static final Duration SYNC_BUDGET = Duration.ofSeconds(60);

    @Option(names = "--dir", description = "Where the two homes go (default: a new temporary directory).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path root = dir != null ? dir : Files.createTempDirectory("facet-demo-");
        String password = System.getenv().getOrDefault("FACET_ADMIN_PASSWORD", "admin-" + Long.toHexString(
                new java.security.SecureRandom().nextLong() & 0xffffffffL));
        PrimaryInstance primary = PrimaryInstance.start(PrimarySettings.load(root.resolve("primary"),
                Map.of(RawSettings.PORT, "0", RawSettings.SSH_PORT, "0"), Map.of("FACET_ADMIN_PASSWORD", password)));
        Caller admin = Caller.user(0, new Username("admin"), GlobalRole.SYS_ADMIN, TokenScope.PASSWORD);
        System.out.println("Primary started at " + primary.baseUrl());
        samples(primary, password);

        MirrorInstance mirror = MirrorInstance.start(MirrorSettings.load(root.resolve("mirror"),
                Map.of(RawSettings.PORT, "0", RawSettings.SSH_PORT, "0", RawSettings.UPSTREAM_URL, primary.baseUrl(),
                        RawSettings.MIRROR_NAME, "demo-mirror"), Map.of()));
        System.out.println("Mirror started at " + mirror.baseUrl() + "; authorizing it on the primary...");
        authorize(primary, admin, mirror.instanceId());
        awaitSynchronized(mirror);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mirror.close();
            primary.close();
        }, "facet-demo-shutdown"));
        System.out.println();
        System.out.println("Facet demo ready.");
        System.out.println("  primary:  " + primary.baseUrl());
        System.out.println("  mirror:   " + mirror.baseUrl());
        System.out.println("  user admin, password " + password);
        System.out.println("  mirror console: " + primary.baseUrl() + "/admin/mirrors   mirror page: " + mirror.baseUrl()
                + "/mirror");
        System.out.println("  clone from the primary: git clone " + primary.baseUrl() + "/scm/demo/hello.git");
        System.out.println("  clone from the mirror:  git clone " + mirror.baseUrl() + "/scm/demo/hello.git");
        System.out.println("  homes under " + root + "; press Ctrl-C to stop both.");
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }

    private static void samples(PrimaryInstance primary, String password) throws Exception {
        var client = RestCalls.admin(primary.baseUrl(), password);
        client.post("/rest/api/1.0/projects", "{\"key\":\"DEMO\",\"name\":\"Demo\",\"public\":true}");
        client.post("/rest/api/1.0/projects/DEMO/repos", "{\"name\":\"hello\"}");
        Path work = Files.createTempDirectory("facet-demo-work-");
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            Files.writeString(work.resolve("README.md"), "# Hello from Facet\n\nThis repository came with the demo.\n");
            git.add().addFilepattern("README.md").call();
            PersonIdent demo = new PersonIdent("Facet Demo", "demo@facet.invalid");
            git.commit().setMessage("Say hello").setAuthor(demo).setCommitter(demo).call();
            git.push().setRemote(new URIish(primary.baseUrl() + "/scm/demo/hello.git").toString())
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("admin", password))
                    .add("main").call();
        } finally {
            Directories.deleteTree(work);
        }
    }

    private static void authorize(PrimaryInstance primary, Caller admin, String mirrorId) throws InterruptedException {
        Instant deadline = Instant.now().plus(SYNC_BUDGET);
        while (Instant.now().isBefore(deadline)) {
            List<MirrorRequest> pending = primary.admission().requests(admin, RequestState.PENDING, 0, 100).values();
            for (MirrorRequest request : pending) {
                if (request.mirrorId().equals(mirrorId)) {
                    primary.admission().accept(admin, request.id());
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The mirror's authorization request did not arrive within " + SYNC_BUDGET);
    }

    private static void awaitSynchronized(MirrorInstance mirror) throws InterruptedException {
        Instant deadline = Instant.now().plus(SYNC_BUDGET);
        while (!"SYNCHRONIZED".equals(mirror.node().status().progress().state())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("The mirror did not synchronize within " + SYNC_BUDGET);
            }
            Thread.sleep(100);
        }
    }

    /** The demo's few REST calls, as an admin. */
    private record RestCalls(String baseUrl, String authorization, java.net.http.HttpClient http) {
        static RestCalls admin(String baseUrl, String password) {
            String basic = java.util.Base64.getEncoder().encodeToString(("admin:" + password).getBytes());
            return new RestCalls(baseUrl, "Basic " + basic, java.net.http.HttpClient.newHttpClient());
        }

        void post(String path, String json) throws IOException, InterruptedException {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + path))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
        }
    }
}
