package dev.facet.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
    @TempDir
    Path dir;

    private Path pem(String name, String label, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return Files.writeString(dir.resolve(name), "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label
                + "-----\n");
    }

    private static PrivateKey generated(String algorithm) throws NoSuchAlgorithmException {
        return KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPrivate();
    }

    @Test
    void readsPkcs8KeysOfRsaAndEc() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            PrivateKey key = generated(algorithm);
            PrivateKey read = PemFiles.privateKey(pem(algorithm + ".pem", "PRIVATE KEY", key.getEncoded()));
            assertThat(read.getAlgorithm()).isEqualTo(algorithm);
            assertThat(read.getEncoded()).isEqualTo(key.getEncoded());
        }
    }

    @Test
    void olderAndEncryptedKeyFormatsAreRefusedWithTheCommandThatConvertsThem() throws Exception {
        Path rsa = pem("rsa.pem", "RSA PRIVATE KEY", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> PemFiles.privateKey(rsa)).isInstanceOf(TlsFileUnusable.class)
                .hasMessageContaining(rsa.toString()).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        Path encrypted = pem("encrypted.pem", "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).isInstanceOf(TlsFileUnusable.class)
                .hasMessageContaining("encrypted");
    }

    @Test
    void fileWithoutWhatIsAskedForIsNamed() throws Exception {
        Path key = pem("key.pem", "PRIVATE KEY", generated("EC").getEncoded());
        assertThatThrownBy(() -> PemFiles.certificates(key)).isInstanceOf(TlsFileUnusable.class)
                .hasMessageContaining(key + " holds no PEM certificate");
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a key at all");
        assertThatThrownBy(() -> PemFiles.privateKey(text)).isInstanceOf(TlsFileUnusable.class)
                .hasMessageContaining(text + " holds no PEM private key");
        assertThatThrownBy(() -> PemFiles.privateKey(dir.resolve("missing.pem"))).isInstanceOf(TlsFileUnusable.class)
                .hasMessageContaining("missing.pem");
    }
}
