package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.access.Permission;
import dev.facet.core.digest.Sha256;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.name.Username;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts as an attacker meets them: a revoked, expired or disabled credential stops working at
 * once, by every transport; passwords change; cross-site bodies and forms are refused; pages carry
 * their security headers; and the audit trail shows what happened.
 */
class AccountSecurityTest {
    private static final String PROJECTS = "/rest/api/1.0/projects";
    private static final String TOKENS = "/rest/access-tokens/1.0/users/";

    @TempDir
    static Path work;
    static TestPrimary primary;
    static GitClient git;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.start(work.resolve("primary"));
        primary.createProject("ACC");
        primary.createRepository("ACC", "private", false);
        git = new GitClient(work.resolve("git-home"));
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "ACC", "private"), "main")
                .requireSuccess();
    }

    @AfterAll
    static void stopPrimary() {
        primary.close();
    }

    private static RestClient user(String name, String secret) {
        return primary.anonymous.as(name, secret);
    }

    private static RestClient bearer(String token) {
        return primary.anonymous.withAuthorization("Bearer " + token);
    }

    /** A token the user makes for themselves, with their password. */
    private static JsonNode ownToken(String name, String password, String tokenName, Object... extra) {
        Object[] fields = new Object[4 + extra.length];
        fields[0] = "name";
        fields[1] = tokenName;
        fields[2] = "permissions";
        fields[3] = List.of("PROJECT_READ");
        System.arraycopy(extra, 0, fields, 4, extra.length);
        return TestPrimary.expect(201, user(name, password).put(TOKENS + name, RestClient.json(fields))).json();
    }

    private static boolean canClone(String name, String secret, String directory) {
        return git.run(work, "clone", "-q", primary.gitUrl(name, secret, "ACC", "private"),
                work.resolve(directory).toString()).exitCode() == 0;
    }

    private static List<AuditEntry> audit() {
        return primary.instance.store().inTransaction(tx -> tx.audit().list(0, 1000));
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAndItsListShowsWhenItWasLastUsed() {
        primary.createUser("tara", "tara-secret-1");
        primary.grantProject("ACC", "tara", "PROJECT_READ");
        JsonNode token = ownToken("tara", "tara-secret-1", "laptop");
        String secret = token.path("token").asText();
        assertThat(bearer(secret).get(PROJECTS + "/ACC/repos/private").status()).isEqualTo(200);
        assertThat(canClone("tara", secret, "tara-before")).isTrue();

        JsonNode listed = TestPrimary.expect(200, user("tara", "tara-secret-1").get(TOKENS + "tara")).json();
        assertThat(listed.path("values")).hasSize(1);
        assertThat(listed.path("values").path(0).path("id").asText()).isEqualTo(token.path("id").asText());
        assertThat(listed.path("values").path(0).has("token")).as("a listed token never shows its secret").isFalse();
        assertThat(listed.path("values").path(0).path("lastAuthenticated").asLong()).isPositive();
        assertThat(primary.anonymous.as("someone-else", "x").get(TOKENS + "tara").status()).isEqualTo(401);

        TestPrimary.expect(204, user("tara", "tara-secret-1").delete(TOKENS + "tara/" + token.path("id").asText()));

        assertThat(bearer(secret).get(PROJECTS + "/ACC/repos/private").status()).isEqualTo(401);
        assertThat(user("tara", secret).get(PROJECTS + "/ACC/repos/private").status()).isEqualTo(401);
        assertThat(canClone("tara", secret, "tara-after")).isFalse();
        assertThat(user("tara", "tara-secret-1").delete(TOKENS + "tara/" + token.path("id").asText()).status())
                .isEqualTo(404);
        assertThat(audit()).extracting(AuditEntry::action).contains(AuditAction.TOKEN_CREATE, AuditAction.TOKEN_REVOKE);
    }

    @Test
    void anExpiredTokenIsRefusedAndExpiryIsSetOnCreation() {
        primary.createUser("exa", "exa-secret-1");
        JsonNode expiring = ownToken("exa", "exa-secret-1", "week", "expiryDays", 7);
        assertThat(Instant.ofEpochMilli(expiring.path("expiryDate").asLong()))
                .isCloseTo(Instant.now().plus(7, ChronoUnit.DAYS), org.assertj.core.api.Assertions.within(1,
                        ChronoUnit.MINUTES));
        assertThat(user("exa", "exa-secret-1").put(TOKENS + "exa", RestClient.json("name", "zero", "permissions",
                List.of("REPO_READ"), "expiryDays", 0)).status()).isEqualTo(400);

        long userId = primary.instance.store().inTransaction(tx -> tx.users().find(Username.of("exa"))).orElseThrow().id();
        String secret = "fct_expired-token-secret-for-the-test";
        primary.instance.store().inTransaction(tx -> tx.accessTokens().create("expired1", userId, "old",
                Set.of(Permission.PROJECT_READ), Sha256.hex(secret), Instant.now().minus(2, ChronoUnit.DAYS),
                Instant.now().minus(1, ChronoUnit.DAYS)));

        assertThat(bearer(secret).get(PROJECTS).status()).isEqualTo(401);
    }

    @Test
    void aDisabledUserIsShutOutEverywhereAtOnceAndADeletedOneToo() throws Exception {
        primary.createUser("dora", "dora-secret-1");
        primary.grantProject("ACC", "dora", "PROJECT_READ");
        String token = ownToken("dora", "dora-secret-1", "ci").path("token").asText();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        assertThat(signIn(browser, "dora", "dora-secret-1").statusCode()).isEqualTo(302);
        assertThat(page(browser, "/projects").statusCode()).isEqualTo(200);
        assertThat(user("dora", "dora-secret-1").get(PROJECTS + "/ACC/repos/private").status())
                .as("a password check remembered for a while").isEqualTo(200);

        assertThat(user("dora", "dora-secret-1").put("/rest/api/1.0/admin/users",
                RestClient.json("name", "dora", "active", false)).status()).as("not by herself").isIn(401, 403);
        JsonNode disabled = TestPrimary.expect(200, primary.admin.put("/rest/api/1.0/admin/users",
                RestClient.json("name", "dora", "active", false))).json();
        assertThat(disabled.path("active").asBoolean()).isFalse();

        assertThat(user("dora", "dora-secret-1").get(PROJECTS + "/ACC/repos/private").status()).isEqualTo(401);
        assertThat(bearer(token).get(PROJECTS).status()).isEqualTo(401);
        assertThat(canClone("dora", "dora-secret-1", "dora-disabled")).isFalse();
        assertThat(canClone("dora", token, "dora-disabled-token")).isFalse();
        HttpResponse<String> afterwards = page(browser, "/admin/users");
        assertThat(afterwards.statusCode()).as("her session is gone").isEqualTo(302);
        assertThat(afterwards.headers().firstValue("Location").orElse("")).startsWith("/login");
        assertThat(signIn(browser, "dora", "dora-secret-1").statusCode()).isEqualTo(401);

        TestPrimary.expect(200, primary.admin.put("/rest/api/1.0/admin/users",
                RestClient.json("name", "dora", "active", true)));
        assertThat(user("dora", "dora-secret-1").get(PROJECTS + "/ACC/repos/private").status()).isEqualTo(200);

        TestPrimary.expect(200, primary.admin.delete("/rest/api/1.0/admin/users?name=dora"));
        assertThat(user("dora", "dora-secret-1").get(PROJECTS).status()).isEqualTo(401);
        assertThat(bearer(token).get(PROJECTS).status()).isEqualTo(401);
        assertThat(primary.admin.delete("/rest/api/1.0/admin/users?name=dora").status()).isEqualTo(404);
        assertThat(primary.admin.delete("/rest/api/1.0/admin/users?name=admin").status())
                .as("an administrator cannot delete themselves").isEqualTo(400);
        assertThat(audit()).extracting(AuditEntry::action)
                .contains(AuditAction.USER_DISABLE, AuditAction.USER_ENABLE, AuditAction.USER_DELETE,
                        AuditAction.SIGN_IN, AuditAction.SIGN_IN_FAILED);
    }

    @Test
    void aChangedPasswordReplacesTheOldOneAtOnce() {
        primary.createUser("pia", "pia-secret-1");
        assertThat(user("pia", "pia-secret-1").get(PROJECTS).status()).isEqualTo(200);

        RestClient.Response wrongOld = user("pia", "pia-secret-1").put("/rest/api/1.0/users/credentials",
                RestClient.json("oldPassword", "not-it-at-all", "password", "pia-secret-2", "passwordConfirm",
                        "pia-secret-2"));
        assertThat(wrongOld.status()).isEqualTo(400);
        assertThat(wrongOld.json().path("errors").path(0).path("context").asText()).isEqualTo("oldPassword");
        assertThat(user("pia", "pia-secret-1").put("/rest/api/1.0/users/credentials",
                RestClient.json("oldPassword", "pia-secret-1", "password", "pia-secret-2", "passwordConfirm",
                        "pia-secret-X")).status()).isEqualTo(400);
        TestPrimary.expect(204, user("pia", "pia-secret-1").put("/rest/api/1.0/users/credentials",
                RestClient.json("oldPassword", "pia-secret-1", "password", "pia-secret-2", "passwordConfirm",
                        "pia-secret-2")));

        assertThat(user("pia", "pia-secret-1").get(PROJECTS).status()).as("the old password, remembered a moment ago")
                .isEqualTo(401);
        assertThat(user("pia", "pia-secret-2").get(PROJECTS).status()).isEqualTo(200);

        assertThat(user("pia", "pia-secret-2").put("/rest/api/1.0/admin/users/credentials",
                RestClient.json("name", "admin", "password", "taken-over-1", "passwordConfirm", "taken-over-1"))
                .status()).as("only administrators set others' passwords").isIn(401, 403);
        TestPrimary.expect(204, primary.admin.put("/rest/api/1.0/admin/users/credentials",
                RestClient.json("name", "pia", "password", "pia-secret-3", "passwordConfirm", "pia-secret-3")));
        assertThat(user("pia", "pia-secret-2").get(PROJECTS).status()).isEqualTo(401);
        assertThat(user("pia", "pia-secret-3").get(PROJECTS).status()).isEqualTo(200);
        assertThat(audit()).extracting(AuditEntry::action).contains(AuditAction.PASSWORD_CHANGE);
    }

    @Test
    void aUserRevokesTheirTokenAndChangesTheirPasswordOnTheirAccountPage() throws Exception {
        primary.createUser("ada", "ada-secret-1");
        JsonNode token = ownToken("ada", "ada-secret-1", "desktop");
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        assertThat(page(browser, "/account").statusCode()).as("anonymous visitors sign in first").isEqualTo(302);
        signIn(browser, "ada", "ada-secret-1");
        HttpResponse<String> account = page(browser, "/account");
        assertThat(account.body()).contains("desktop").doesNotContain(token.path("token").asText());

        HttpResponse<String> revoked = form(browser, "/account/revoke-token", csrfOf(account.body()),
                Map.of("tokenId", token.path("id").asText()));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(revoked.body()).contains("revoked").contains("You have no access tokens.");
        assertThat(bearer(token.path("token").asText()).get(PROJECTS).status()).isEqualTo(401);

        HttpResponse<String> wrong = form(browser, "/account/password", csrfOf(revoked.body()),
                Map.of("oldPassword", "not-my-password", "password", "ada-secret-2", "passwordConfirm", "ada-secret-2"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("id=\"error-oldPassword\"");
        HttpResponse<String> changed = form(browser, "/account/password", csrfOf(wrong.body()),
                Map.of("oldPassword", "ada-secret-1", "password", "ada-secret-2", "passwordConfirm", "ada-secret-2"));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).contains("Your password was changed.");
        assertThat(user("ada", "ada-secret-1").get(PROJECTS).status()).isEqualTo(401);
        assertThat(user("ada", "ada-secret-2").get(PROJECTS).status()).isEqualTo(200);
    }

    @Test
    void aCrossSiteTextBodyChangesNothing() {
        RestClient.Response plain = send("POST", PROJECTS, "text/plain", RestClient.json("key", "XSITE", "name", "x"));
        assertThat(plain.status()).as(plain.toString()).isEqualTo(415);
        assertThat(plain.firstError()).contains("application/json");
        RestClient.Response form = send("POST", PROJECTS, "application/x-www-form-urlencoded", "key=XSITE&name=x");
        assertThat(form.status()).isEqualTo(415);
        assertThat(primary.admin.get(PROJECTS + "/XSITE").status()).isEqualTo(404);
        assertThat(send("POST", PROJECTS, "application/json; charset=utf-8",
                RestClient.json("key", "XSITE", "name", "x")).status()).isEqualTo(201);
        TestPrimary.expect(204, primary.admin.delete(PROJECTS + "/XSITE"));
    }

    @Test
    void aPageOnAnotherSiteCannotAcceptAMirrorWithAnEmptyFormBody() {
        String requestId = ForeignServer.newcomer(primary).requestAuthorization("cross-site", "http://127.0.0.1:1")
                .requestId();
        String accept = "/rest/mirroring/latest/requests/" + requestId + "/accept";

        RestClient.Response fromEvil = send("POST", accept, "text/plain", "", "Origin", "https://evil.example");
        RestClient.Response fetchedCrossSite = send("POST", accept, "text/plain", "", "Sec-Fetch-Site", "cross-site");
        RestClient.Response deleteFromEvil = send("DELETE", PROJECTS + "/ACC", "text/plain", "",
                "Origin", "http://evil.example");

        assertThat(fromEvil.status()).as(fromEvil.toString()).isEqualTo(403);
        assertThat(fromEvil.firstError()).contains("another site");
        assertThat(fetchedCrossSite.status()).isEqualTo(403);
        assertThat(deleteFromEvil.status()).isEqualTo(403);
        assertThat(primary.admin.get("/rest/mirroring/latest/requests/" + requestId).json().path("state").asText())
                .isEqualTo("PENDING");
        assertThat(primary.admin.get(PROJECTS + "/ACC").status()).isEqualTo(200);
        RestClient.Response sameSite = send("POST", "/rest/mirroring/latest/requests/" + requestId + "/reject",
                "text/plain", "", "Origin", primary.baseUrl());
        assertThat(sameSite.status()).as(sameSite.toString()).isEqualTo(200);
    }

    @Test
    void everyAnswerForbidsSniffingAndPagesCarryAContentSecurityPolicy() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("script-src 'nonce-").contains("frame-ancestors 'none'").contains("default-src 'none'");
        assertThat(login.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
        for (String path : List.of("/login", PROJECTS, "/rest/api/1.0/nothing-here", "/status",
                "/scm/ACC/private.git/info/refs?service=git-upload-pack")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
    }

    @Test
    void aFormTokenOnlyWorksWithTheSessionItWasMadeFor() throws Exception {
        CookieManager victimsCookies = new CookieManager();
        HttpClient victim = HttpClient.newBuilder().cookieHandler(victimsCookies).build();
        String beforeSignIn = csrfOf(page(victim, "/login").body());
        assertThat(signIn(victim, "admin", TestPrimary.ADMIN_PASSWORD, beforeSignIn).statusCode()).isEqualTo(302);
        HttpResponse<String> stale = form(victim, "/admin/users/create-user", beforeSignIn,
                Map.of("user.name", "stale-form", "user.password", "stale-form-1"));
        assertThat(stale.statusCode()).as("a token from before sign-in").isEqualTo(403);

        HttpClient attacker = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        signIn(attacker, "admin", TestPrimary.ADMIN_PASSWORD);
        String attackersToken = csrfOf(page(attacker, "/admin/users").body());
        HttpResponse<String> foreign = form(victim, "/admin/users/create-user", attackersToken,
                Map.of("user.name", "foreign-form", "user.password", "foreign-form-1"));
        assertThat(foreign.statusCode()).as("a token from another session").isEqualTo(403);

        String planted = "planted-by-the-attacker-0123456789";
        String session = victimsCookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("facet-session")).findFirst().orElseThrow().getValue();
        HttpResponse<String> cookieChosen = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(primary.baseUrl() + "/admin/users/create-user"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "facet-session=" + session + "; facet-csrf=" + planted)
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + planted + "&user.name=planted&user.password=planted-1"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cookieChosen.statusCode()).as("a token equal to a cookie the attacker chose").isEqualTo(403);

        String own = csrfOf(page(victim, "/admin/users").body());
        assertThat(form(victim, "/admin/users/create-user", own,
                Map.of("user.name", "own-form", "user.password", "own-form-1")).statusCode()).isEqualTo(200);
        assertThat(primary.admin.get("/rest/api/1.0/admin/users").json().path("values").toString())
                .contains("own-form").doesNotContain("stale-form").doesNotContain("foreign-form")
                .doesNotContain("\"planted\"");
    }

    private static RestClient.Response send(String method, String path, String contentType, String body,
                                            String... extraHeaders) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(primary.baseUrl() + path));
            if (extraHeaders.length > 0) {
                request.headers(extraHeaders);
            }
            HttpResponse<String> response = HttpClient.newHttpClient().send(request
                    .header("Content-Type", contentType)
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            ("admin:" + TestPrimary.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new RestClient.Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> page(HttpClient browser, String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String csrfOf(String html) {
        return html.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    }

    private static HttpResponse<String> signIn(HttpClient browser, String name, String password) throws Exception {
        return signIn(browser, name, password, csrfOf(page(browser, "/login").body()));
    }

    private static HttpResponse<String> signIn(HttpClient browser, String name, String password, String csrf)
            throws Exception {
        return form(browser, "/login", csrf, Map.of("username", name, "password", password, "next", ""));
    }

    private static HttpResponse<String> form(HttpClient browser, String path, String csrf, Map<String, String> fields)
            throws Exception {
        StringBuilder body = new StringBuilder("csrf=").append(enc(csrf));
        fields.forEach((name, value) -> body.append('&').append(enc(name)).append('=').append(enc(value)));
        return browser.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
