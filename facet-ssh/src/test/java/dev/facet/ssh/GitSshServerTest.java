package dev.facet.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.ssh.cipher.OpenSshChaCha20Poly1305;
import java.nio.file.Path;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSshServerTest {
    @TempDir
    Path keys;

    @Test
    void servesChaCha20Poly1305WithFacetsImplementationFirstAndStillOffersAesToClientsWithoutIt() {
        GitSshServer server = new GitSshServer("127.0.0.1", 0, keys, (fingerprint, address) -> {
        }, null, null, null, null, null, null, 1);

        assertThat(server.ciphers().get(0)).isSameAs(OpenSshChaCha20Poly1305.FACTORY);
        assertThat(server.ciphers()).extracting(cipher -> cipher.getName()).contains(
                BuiltinCiphers.Constants.AES128_CTR, BuiltinCiphers.Constants.AES256_CTR,
                BuiltinCiphers.Constants.AES128_GCM, BuiltinCiphers.Constants.AES256_GCM);
    }
}
