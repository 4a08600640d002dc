package dev.facet.core.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whom an instance trusts when it opens an HTTPS connection: the JVM's certificate authorities,
 * plus those of an optional PEM bundle ({@code facet.tls.trusted-certificates}) for a private
 * authority or a self-signed primary. Certificates are always verified, host names included.
 */
public final class OutboundTrust {
    private final X509TrustManager trustManager;
    private final SSLContext sslContext;
    private final Optional<Path> bundle;

    private OutboundTrust(X509TrustManager trustManager, Optional<Path> bundle) {
        this.trustManager = trustManager;
        this.bundle = bundle;
        try {
            this.sslContext = SSLContext.getInstance("TLS");
            this.sslContext.init(null, new TrustManager[] {trustManager}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK has no TLS context", e);
        }
    }

    /** The JVM's own trust store and nothing else. */
    public static OutboundTrust jvmDefault() {
        return new OutboundTrust(trustManager(null), Optional.empty());
    }

    /** The JVM's trust store plus every certificate in {@code pemBundle}. */
    public static OutboundTrust withBundle(Path pemBundle) {
        List<X509Certificate> added = PemFiles.certificates(pemBundle);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int index = 0;
            for (X509Certificate authority : trustManager(null).getAcceptedIssuers()) {
                store.setCertificateEntry("jvm-" + index++, authority);
            }
            for (X509Certificate certificate : added) {
                store.setCertificateEntry("bundle-" + index++, certificate);
            }
            return new OutboundTrust(trustManager(store), Optional.of(pemBundle));
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileUnusable(pemBundle, "Cannot trust the certificates in " + pemBundle + ": " + e.getMessage(),
                    e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("The JDK offers no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK's trust store cannot be read: " + e.getMessage(), e);
        }
    }

    /** For clients that take a context (java.net.http). */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** For clients that take trust managers (JGit's HTTP connections). */
    public TrustManager[] trustManagers() {
        return new TrustManager[] {trustManager};
    }

    /** The extra bundle, when there is one: named in errors, so that a refused certificate points at the fix. */
    public Optional<Path> bundle() {
        return bundle;
    }
}
