package dev.facet.git;

import dev.facet.core.tls.OutboundTrust;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.security.GeneralSecurityException;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * JGit's HTTP connections for a mirror's fetches, trusting what the mirror's other calls to its
 * upstream trust. Certificates are verified on every connection whatever a Git configuration
 * says: JGit's own session would turn verification off for {@code http.sslVerify=false}; this one
 * never does.
 */
public final class VerifyingHttpConnections implements HttpConnectionFactory2 {
    private final JDKHttpConnectionFactory connections = new JDKHttpConnectionFactory();
    private final OutboundTrust trust;

    public VerifyingHttpConnections(OutboundTrust trust) {
        this.trust = trust;
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        return connections.create(url);
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) throws IOException {
        return connections.create(url, proxy);
    }

    @Override
    public GitSession newSession() {
        return new GitSession() {
            @Override
            public HttpConnection configure(HttpConnection connection, boolean sslVerifyIgnored)
                    throws GeneralSecurityException {
                if ("https".equalsIgnoreCase(connection.getURL().getProtocol())) {
                    connection.configure(null, trust.trustManagers(), null);
                }
                return connection;
            }

            @Override
            public void close() {
                // nothing is held between connections
            }
        };
    }
}
