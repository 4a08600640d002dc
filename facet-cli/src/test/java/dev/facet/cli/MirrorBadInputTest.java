package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror answers the same odd requests as the primary with a 4xx, never a 5xx or a stack trace. */
class MirrorBadInputTest {
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
            assertThat(failures).isEmpty();
        }
    }
}
