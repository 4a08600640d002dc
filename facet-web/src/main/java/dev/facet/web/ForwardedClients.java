package dev.facet.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Makes the client behind a trusted load balancer the request's remote address, before anything
 * reads it: the per-address Git share, the password throttle, mirror admission and the audit trail
 * then see the user, not the balancer. See {@link TrustedProxies} for whose header is believed.
 */
final class ForwardedClients implements HttpConfiguration.Customizer {
    private final TrustedProxies proxies;

    ForwardedClients(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return request;
        }
        List<String> forwardedFor = request.getHeaders().getValuesList("X-Forwarded-For");
        if (forwardedFor.isEmpty()) {
            return request;
        }
        InetAddress client = proxies.clientOf(inet.getAddress(), forwardedFor);
        if (client.equals(inet.getAddress())) {
            return request;
        }
        // The client's port is not forwarded; nothing in Facet reads it.
        InetSocketAddress clientAddress = new InetSocketAddress(client, 0);
        ConnectionMetaData forwarded = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
            @Override
            public SocketAddress getRemoteSocketAddress() {
                return clientAddress;
            }
        };
        return new Request.Wrapper(request) {
            @Override
            public ConnectionMetaData getConnectionMetaData() {
                return forwarded;
            }
        };
    }
}
