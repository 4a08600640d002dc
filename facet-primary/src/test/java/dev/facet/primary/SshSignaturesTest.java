package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.access.SshLoginProof;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SshSignaturesTest {
    private static final byte[] SESSION = new byte[32];

    @Test
    void rsaSignaturesWithoutTheirLeadingZeroBytesStillVerify() throws Exception {
        KeyPair pair = rsaKeyPair();
        byte[] keyBlob = rsaBlob((RSAPublicKey) pair.getPublic());
        int modulusBytes = 256;
        // About one session in 256 gives a signature whose first byte is zero: find one, as a client would meet it.
        for (int attempt = 0; attempt < 5_000; attempt++) {
            SESSION[0] = (byte) attempt;
            SESSION[1] = (byte) (attempt >> 8);
            SshLoginProof unsigned = proof(keyBlob, new byte[0]);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(pair.getPrivate());
            signer.update(unsigned.signedData());
            byte[] raw = signer.sign();
            if (raw[0] != 0) {
                continue;
            }
            byte[] trimmed = new BigInteger(1, raw).toByteArray();
            trimmed = trimmed[0] == 0 ? Arrays.copyOfRange(trimmed, 1, trimmed.length) : trimmed;
            assertThat(trimmed.length).isLessThan(modulusBytes);
            assertThat(SshSignatures.verifies(proof(keyBlob, signatureBlob(trimmed)), keyBlob)).isTrue();
            assertThat(SshSignatures.verifies(proof(keyBlob, signatureBlob(raw)), keyBlob)).isTrue();
            byte[] tampered = trimmed.clone();
            tampered[tampered.length - 1] ^= 1;
            assertThat(SshSignatures.verifies(proof(keyBlob, signatureBlob(tampered)), keyBlob)).isFalse();
            return;
        }
        throw new AssertionError("No signature with a leading zero byte in 5,000 sessions");
    }

    @Test
    void anRsaSignatureWithSha1DoesNotVerifyThoughTheKeyMadeIt() throws Exception {
        KeyPair pair = rsaKeyPair();
        byte[] keyBlob = rsaBlob((RSAPublicKey) pair.getPublic());
        SshLoginProof unsigned = new SshLoginProof(SESSION.clone(), "alice", SshLoginProof.CONNECTION_SERVICE,
                "ssh-rsa", keyBlob, signatureBlob("ssh-rsa", new byte[] {1}));
        Signature signer = Signature.getInstance("SHA1withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(unsigned.signedData());
        SshLoginProof signed = new SshLoginProof(SESSION.clone(), "alice", SshLoginProof.CONNECTION_SERVICE,
                "ssh-rsa", keyBlob, signatureBlob("ssh-rsa", signer.sign()));

        assertThat(SshSignatures.verifies(signed, keyBlob)).isFalse();
    }

    @Test
    void paddingNeverTruncatesOrLengthensAFullSignature() {
        BigInteger modulus = BigInteger.ONE.shiftLeft(2047).add(BigInteger.ONE);
        byte[] full = new byte[256];
        full[0] = 7;
        assertThat(SshSignatures.paddedTo(modulus, full)).isSameAs(full);
        assertThat(SshSignatures.paddedTo(modulus, new byte[] {1, 2})).hasSize(256).endsWith(1, 2);
    }

    private static SshLoginProof proof(byte[] keyBlob, byte[] signature) {
        return new SshLoginProof(SESSION.clone(), "alice", SshLoginProof.CONNECTION_SERVICE, "rsa-sha2-256", keyBlob,
                signature.length == 0 ? signatureBlob(new byte[] {1}) : signature);
    }

    private static KeyPair rsaKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static byte[] rsaBlob(RSAPublicKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
        put(out, key.getPublicExponent().toByteArray());
        put(out, key.getModulus().toByteArray());
        return out.toByteArray();
    }

    private static byte[] signatureBlob(byte[] raw) {
        return signatureBlob("rsa-sha2-256", raw);
    }

    private static byte[] signatureBlob(String algorithm, byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put(out, algorithm.getBytes(StandardCharsets.US_ASCII));
        put(out, raw);
        return out.toByteArray();
    }

    private static void put(ByteArrayOutputStream out, byte[] field) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(field.length).array());
        out.writeBytes(field);
    }
}
