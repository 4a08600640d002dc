package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror answers the same odd requests as the primary with a 4xx, never a 5xx or a stack trace. */
class MirrorBadInputTest {
    private static final String JSON = "Content-Type: application/json";

    @TempDir
    Path work;

    @Test
    void noOddRequestGetsA5xxOrAStackTraceFromAMirror() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            primary.createProject("BAD");
            primary.createRepository("BAD", "existing", false);
            List<BadInputTest.RawRequest> requests = new ArrayList<>(BadInputTest.oddRequests());
            requests.add(new BadInputTest.RawRequest("POST", "/rest/mirroring/latest/upstreamServer/reconnect",
                    List.of("Content-Type: text/plain"), "x"));
            requests.add(new BadInputTest.RawRequest("GET", "/rest/mirroring/latest/audit?limit=99999999999", List.of(),
                    null));
            requests.add(new BadInputTest.RawRequest("POST", "/mirror", List.of("Content-Type: application/x-www-form-urlencoded"),
                    "reconnect=%zz&csrf=%00"));
            List<String> failures = new ArrayList<>();
            for (BadInputTest.RawRequest request : requests) {
                RawHttp.Answer answer = request.sendTo(mirror.baseUrl());
                if (answer.status() >= 500 || answer.body().contains("Exception") || answer.body().contains("\tat ")) {
                    failures.add(request + " -> " + answer);
                }
            }
            String fetchToken = primary.instance.fetchTokens().issue(mirror.instance.instanceId()).token();
            for (BadInputTest.RawRequest request : List.of(
                    new BadInputTest.RawRequest("PUT", "/rest/access-tokens/1.0/users/admin", List.of(JSON),
                            "{\"name\":\"t\",\"permissions\":[\"REPO_READ\"]}"),
                    new BadInputTest.RawRequest("GET", "/rest/access-tokens/1.0/users/admin", List.of(), null),
                    new BadInputTest.RawRequest("PUT", "/rest/api/1.0/users/credentials", List.of(JSON),
                            "{\"oldPassword\":\"x\",\"password\":\"long-enough-1\",\"passwordConfirm\":\"long-enough-1\"}"),
                    new BadInputTest.RawRequest("GET", "/rest/api/1.0/admin/users", List.of(), null),
                    new BadInputTest.RawRequest("POST", "/rest/api/1.0/projects", List.of(JSON), "{\"key\":\"MT\"}"),
                    new BadInputTest.RawRequest("GET", "/rest/mirroring/latest/requests", List.of(), null))) {
                RawHttp.Answer answer = RawHttp.send(primary.baseUrl(), request.method(), request.path(),
                        List.of(request.headers().isEmpty() ? "Accept: */*" : request.headers().get(0),
                                "Authorization: Bearer " + fetchToken),
                        request.body() == null ? null : request.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (answer.status() >= 500 || answer.status() < 400) {
                    failures.add("with a mirror's fetch token: " + request + " -> " + answer);
                }
            }
            assertThat(failures).isEmpty();
        }
    }
}
