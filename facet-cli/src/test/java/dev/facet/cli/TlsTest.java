package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.facet.core.tls.OutboundTrust;
import dev.facet.core.tls.PemFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Facet serving HTTPS from PEM files, and a mirror that trusts its primary only through them. */
class TlsTest {
    @TempDir
    Path work;

    private static Map<String, String> serving(TestCertificates.Issued issued) {
        return Map.of("FACET_TLS_CERTIFICATE", issued.certificate().toString(),
                "FACET_TLS_PRIVATE_KEY", issued.privateKey().toString());
    }

    @Test
    void mirrorTrustingThePrimarysAuthoritySyncsOverHttpsAndServesClonesOverHttps() {
        TestCertificates ca = TestCertificates.authority(work.resolve("ca"), "Facet Test CA");
        SSLContext trusting = OutboundTrust.withBundle(ca.authority).sslContext();
        try (TestPrimary primary = TestPrimary.startHttps(work.resolve("primary"), serving(ca.issue("primary", "rsa")),
                trusting)) {
            assertThat(primary.baseUrl()).startsWith("https://localhost:");
            primary.createProject("TLS");
            primary.createRepository("TLS", "secret", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Map<String, String> gitTrust = Map.of("GIT_SSL_CAINFO", ca.authority.toString());
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, gitTrust, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "TLS", "secret"),
                    "main").requireSuccess();

            TestCertificates.Issued mirrorCertificate = ca.issue("mirror", "ec");
            try (TestMirror mirror = TestMirror.startHttps(work.resolve("mirror"), primary.baseUrl(), Map.of(
                    RawSettings.TLS_TRUSTED_CERTIFICATES, ca.authority.toString(),
                    RawSettings.TLS_CERTIFICATE, mirrorCertificate.certificate().toString(),
                    RawSettings.TLS_PRIVATE_KEY, mirrorCertificate.privateKey().toString()), trusting)) {
                assertThat(mirror.baseUrl()).startsWith("https://localhost:");
                mirror.authorizeOn(primary);

                git.commitFile(source, "b.txt", "pushed after the mirror was authorized\n");
                git.run(source, gitTrust, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "TLS",
                        "secret"), "main").requireSuccess();
                String head = git.run(source, "rev-parse", "HEAD").stdout().strip();
                String mirrorUrl = mirror.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "TLS", "secret");
                await().atMost(Duration.ofSeconds(20)).until(() -> git.run(work, gitTrust, "ls-remote", mirrorUrl,
                        "refs/heads/main").stdout().startsWith(head));

                Path clone = work.resolve("clone");
                git.run(work, gitTrust, "clone", "-q", mirrorUrl, clone.toString()).requireSuccess();
                assertThat(clone.resolve("b.txt")).hasContent("pushed after the mirror was authorized");
                // A push sent to the mirror is forwarded to the primary over the same trusted TLS.
                git.run(clone, gitTrust, "config", "user.email", "test@facet.invalid").requireSuccess();
                git.commitFile(clone, "c.txt", "pushed through the mirror\n");
                git.run(clone, gitTrust, "push", "-q", "origin", "main").requireSuccess();
                String pushed = git.run(clone, "rev-parse", "HEAD").stdout().strip();
                assertThat(git.run(work, gitTrust, "ls-remote", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "TLS",
                        "secret"), "refs/heads/main").stdout()).startsWith(pushed);

                GitClient.Result untrusting = git.run(work, "ls-remote", mirrorUrl);
                assertThat(untrusting.exitCode()).as("git without the authority refuses the mirror").isNotZero();
                assertThat(untrusting.stderr()).containsIgnoringCase("certificate");
            }
        }
    }

    @Test
    void mirrorWithoutTheBundleRefusesThePrimaryAndNamesTheSettingThatTrustsIt() {
        TestCertificates ca = TestCertificates.authority(work.resolve("ca"), "Facet Test CA");
        try (TestPrimary primary = TestPrimary.startHttps(work.resolve("primary"), serving(ca.issue("primary", "ec")),
                OutboundTrust.withBundle(ca.authority).sslContext());
             TestMirror mirror = TestMirror.start(work.resolve("mirror"), primary.baseUrl(), Map.of())) {
            FacetRun doctor = FacetRun.of("doctor", "--home", mirror.home.toString());

            assertThat(doctor.out()).contains("TLS handshake with the upstream " + primary.baseUrl() + " failed")
                    .contains("facet.tls.trusted-certificates");
            assertThat(primary.admin.get("/rest/mirroring/latest/requests").json().path("values")).isEmpty();
            assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state").asText())
                    .isEqualTo("UNCONFIGURED");
        }
    }

    @Test
    void renewedCertificateIsServedFromTheNextConnectionWithoutARestart() throws IOException {
        TestCertificates ca = TestCertificates.authority(work.resolve("ca"), "Facet Test CA");
        TestCertificates.Issued first = ca.issue("first", "ec");
        TestCertificates.Issued renewed = ca.issue("renewed", "rsa");
        Path served = Files.createDirectories(work.resolve("served"));
        Path certificate = Files.copy(first.certificate(), served.resolve("cert.pem"));
        Path key = Files.copy(first.privateKey(), served.resolve("key.pem"));
        SSLContext trusting = OutboundTrust.withBundle(ca.authority).sslContext();
        try (TestPrimary primary = TestPrimary.startHttps(work.resolve("primary"), Map.of(
                "FACET_TLS_CERTIFICATE", certificate.toString(), "FACET_TLS_PRIVATE_KEY", key.toString()), trusting)) {
            URI url = URI.create(primary.baseUrl());
            assertThat(servedSerial(trusting, url)).isEqualTo(serial(first.certificate()));

            // The key first, then the certificate, as a renewal tool writes them: in between the pair does not match.
            Files.copy(renewed.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);

            await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(trusting, url)
                    .equals(serial(renewed.certificate())));
            TestPrimary.expect(200, primary.anonymous.get("/status"));
        }
    }

    @Test
    void onlyTls12And13WithForwardSecretAeadSuitesAreSpoken() throws IOException {
        TestCertificates ca = TestCertificates.authority(work.resolve("ca"), "Facet Test CA");
        SSLContext trusting = OutboundTrust.withBundle(ca.authority).sslContext();
        try (TestPrimary primary = TestPrimary.startHttps(work.resolve("primary"), serving(ca.issue("primary", "rsa")),
                trusting)) {
            URI url = URI.create(primary.baseUrl());
            assertThat(handshake(trusting, url, "TLSv1.3", "TLS_AES_128_GCM_SHA256")).isEqualTo("TLSv1.3");
            assertThat(handshake(trusting, url, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                    .isEqualTo("TLSv1.2");
            for (String weak : new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}) {
                assertThatThrownBy(() -> handshake(trusting, url, "TLSv1.2", weak)).as(weak)
                        .isInstanceOf(IOException.class);
            }
        }
    }

    private static String handshake(SSLContext trusting, URI url, String protocol, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", url.getPort())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    private static BigInteger servedSerial(SSLContext trusting, URI url) throws IOException {
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (SSLHandshakeException e) {
            throw new AssertionError("handshake failed", e);
        }
    }

    private static BigInteger serial(Path certificate) {
        return PemFiles.certificates(certificate).get(0).getSerialNumber();
    }
}
