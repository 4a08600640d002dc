package dev.facet.primary;

import dev.facet.core.access.SshLoginProof;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Map;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Checks an SSH login signature (RFC 4252 §7) against a public key blob, for the key kinds Facet
 * registers: Ed25519, RSA with SHA-2 ({@code rsa-sha2-256}, {@code rsa-sha2-512}) and ECDSA on the
 * NIST curves. An RSA signature with SHA-1 ({@code ssh-rsa}) is not valid, as OpenSSH 8.8 and later
 * no longer accept it: SHA-1 collisions are within reach. Anything it cannot read is simply not a
 * valid signature.
 */
final class SshSignatures {
    /** The signature algorithm of RSA with SHA-1, refused. */
    static final String SHA1_RSA = "ssh-rsa";
    private static final Map<String, String> RSA_DIGESTS = Map.of("rsa-sha2-256", "SHA256withRSA",
            "rsa-sha2-512", "SHA512withRSA");
    private static final Map<String, String[]> ECDSA = Map.of(
            "ecdsa-sha2-nistp256", new String[] {"P-256", "SHA-256"},
            "ecdsa-sha2-nistp384", new String[] {"P-384", "SHA-384"},
            "ecdsa-sha2-nistp521", new String[] {"P-521", "SHA-512"});

    private SshSignatures() {
    }

    /** Whether {@code proof} carries a signature over its own signed data made by the private half of {@code keyBlob}. */
    static boolean verifies(SshLoginProof proof, byte[] keyBlob) {
        if (!Arrays.equals(keyBlob, proof.publicKey())) {
            return false;
        }
        try {
            DataInputStream signature = reader(proof.signature());
            String signatureAlgorithm = string(signature);
            byte[] raw = field(signature);
            if (!signatureAlgorithm.equals(proof.algorithm())) {
                return false;
            }
            DataInputStream key = reader(keyBlob);
            String keyType = string(key);
            byte[] data = proof.signedData();
            if (keyType.equals("ssh-ed25519") && signatureAlgorithm.equals("ssh-ed25519")) {
                byte[] point = field(key);
                if (point.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                    return false;
                }
                Ed25519Signer verifier = new Ed25519Signer();
                verifier.init(false, new Ed25519PublicKeyParameters(point, 0));
                verifier.update(data, 0, data.length);
                return verifier.verifySignature(raw);
            }
            if (keyType.equals("ssh-rsa") && RSA_DIGESTS.containsKey(signatureAlgorithm)) {
                BigInteger exponent = new BigInteger(field(key));
                BigInteger modulus = new BigInteger(field(key));
                Signature verifier = Signature.getInstance(RSA_DIGESTS.get(signatureAlgorithm));
                verifier.initVerify(KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent)));
                verifier.update(data);
                return verifier.verify(paddedTo(modulus, raw));
            }
            if (ECDSA.containsKey(keyType) && keyType.equals(signatureAlgorithm)) {
                String[] curveAndDigest = ECDSA.get(keyType);
                field(key);
                byte[] point = field(key);
                X9ECParameters curve = ECNamedCurveTable.getByName(curveAndDigest[0]);
                ECDSASigner verifier = new ECDSASigner();
                verifier.init(false, new ECPublicKeyParameters(curve.getCurve().decodePoint(point),
                        new ECDomainParameters(curve)));
                DataInputStream numbers = reader(raw);
                BigInteger r = new BigInteger(field(numbers));
                BigInteger s = new BigInteger(field(numbers));
                return verifier.verifySignature(MessageDigest.getInstance(curveAndDigest[1]).digest(data), r, s);
            }
            return false;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static DataInputStream reader(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    private static String string(DataInputStream in) throws IOException {
        return new String(field(in), StandardCharsets.US_ASCII);
    }

    private static byte[] field(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("a field runs past the end");
        }
        return in.readNBytes(length);
    }

    /**
     * An RSA signature as long as the modulus. Some clients drop the leading zero bytes (about one signature in 256),
     * which OpenSSH accepts and the JDK's verifier refuses as a bad length.
     */
    static byte[] paddedTo(BigInteger modulus, byte[] signature) {
        int length = (modulus.bitLength() + 7) / 8;
        if (signature.length >= length) {
            return signature;
        }
        byte[] padded = new byte[length];
        System.arraycopy(signature, 0, padded, length - signature.length, signature.length);
        return padded;
    }
}
