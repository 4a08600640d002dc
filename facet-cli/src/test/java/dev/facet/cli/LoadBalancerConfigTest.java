package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.cli.LoadBalancerProcess.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the documented load-balancer files become the ones the tests run, without starting anything. */
class LoadBalancerConfigTest {
    @TempDir
    Path dir;

    @Test
    void haproxyKeepsEveryDocumentedRuleAndGetsOnlyTheTestsPortNodesAndPaths() {
        String rendered = Kind.HAPROXY.render(Kind.HAPROXY.documented(), 4711, List.of("127.0.0.1:5001",
                "127.0.0.1:5002"), dir);

        assertThat(rendered).contains("bind 127.0.0.1:4711", "server node1 127.0.0.1:5001\n",
                        "server node2 127.0.0.1:5002\n", "stats socket " + dir.resolve("admin.sock"),
                        "option httpchk GET /status", "http-check expect status 200",
                        "http-request disable-l7-retry unless")
                .doesNotContain("10.0.0.1", "server node3", "bind :80", "chroot /var/lib/haproxy");
    }

    @Test
    void nginxKeepsEveryDocumentedRuleAndGetsOnlyTheTestsPortNodesAndPaths() {
        String rendered = Kind.NGINX.render(Kind.NGINX.documented(), 4711, List.of("127.0.0.1:5001"), dir);

        assertThat(rendered).contains("listen 127.0.0.1:4711;", "server 127.0.0.1:5001 max_fails=1 fail_timeout=10s;",
                        "pid " + dir.resolve("nginx.pid") + ";", "proxy_request_buffering off;",
                        "proxy_next_upstream error timeout http_503;", "proxy_temp_path " + dir.resolve("temp-proxy"))
                .doesNotContain("10.0.0.1", "listen 80;", "/var/log/nginx", "user www-data");
    }

    @Test
    void aDocumentedFileThatLostALineTheTestsReplaceIsRefusedRatherThanRunAsIs() {
        String moved = Kind.HAPROXY.documented().replace("bind :80\n", "bind :8080\n");

        assertThatThrownBy(() -> Kind.HAPROXY.render(moved, 4711, List.of("127.0.0.1:5001"), dir))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind");
        String noNodes = Kind.NGINX.documented().replaceAll("(?m)^\\s*server 10\\.0\\.0\\.\\d+:7991.*\\n", "");
        assertThatThrownBy(() -> Kind.NGINX.render(noNodes, 4711, List.of("127.0.0.1:5001"), dir))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("server");
    }
}
