package dev.facet.cli;

import dev.facet.core.store.Store;
import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.primary.AdminBootstrap;
import dev.facet.primary.PasswordHasher;
import dev.facet.primary.PermissionService;
import dev.facet.primary.ProjectService;
import dev.facet.primary.PushEventRecorder;
import dev.facet.primary.UserService;
import dev.facet.store.JdbcStore;
import dev.facet.web.FacetMetrics;
import dev.facet.web.PrimaryWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running primary, wired by hand from its settings. Tests start it in-process; the command runs one. */
public final class PrimaryInstance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrimaryInstance.class);
    static final String INSTANCE_ID = "instance.id";
    static final String BASE_URL = "instance.base-url";

    private final Store store;
    private final PrimaryWebServer web;
    private final String instanceId;

    private PrimaryInstance(Store store, PrimaryWebServer web, String instanceId) {
        this.store = store;
        this.web = web;
        this.instanceId = instanceId;
    }

    public static PrimaryInstance start(PrimarySettings settings) {
        Path home = settings.home();
        Path repositoriesDir = home.resolve("data").resolve("repositories");
        try {
            Files.createDirectories(repositoriesDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + repositoriesDir, e);
        }
        Store store = JdbcStore.open(settings.database());
        try {
            Clock clock = Clock.systemUTC();
            SecureRandom random = new SecureRandom();
            LocalDiskRepositoryStore repositories = new LocalDiskRepositoryStore(repositoriesDir);
            UserService users = new UserService(store, new PasswordHasher(random), random, clock);
            new AdminBootstrap(users, random).ensureAdmin(settings.adminPassword(), home.resolve("admin-password"))
                    .ifPresent(log::info);
            String instanceId = store.inTransaction(tx -> tx.instanceSettings().get(INSTANCE_ID).orElseGet(() -> {
                String id = UUID.randomUUID().toString();
                tx.instanceSettings().put(INSTANCE_ID, id);
                return id;
            }));
            ProjectService projects = new ProjectService(store, repositories, clock);
            PermissionService permissions = new PermissionService(store, clock);
            FacetMetrics metrics = new FacetMetrics(() -> store.inTransaction(tx -> tx.repositories().count()));
            PrimaryWebServer web = new PrimaryWebServer(settings.web(), projects, permissions, users, repositories,
                    new PushEventRecorder(store, clock), metrics);
            web.start();
            store.useTransaction(tx -> tx.instanceSettings().put(BASE_URL, web.baseUrl()));
            log.info("primary {} serving {} from {}", instanceId, web.baseUrl(), home);
            return new PrimaryInstance(store, web, instanceId);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public String baseUrl() {
        return web.baseUrl();
    }

    public int port() {
        return web.port();
    }

    public String instanceId() {
        return instanceId;
    }

    /** The database, for tests that check what the primary recorded. */
    public Store store() {
        return store;
    }

    @Override
    public void close() {
        try {
            web.stop();
        } finally {
            store.close();
        }
    }
}
