package dev.facet.ssh;

import dev.facet.core.doctor.Finding;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;

/**
 * Whether an SSH server answers on a port, as {@code facet doctor} asks it: a connection and the
 * {@code SSH-2.0-} greeting every SSH server sends first, nothing more (no key exchange).
 */
public final class SshListenerProbe {
    private static final int TIMEOUT_MILLIS = 3000;

    private SshListenerProbe() {
    }

    /** Where a listener bound to {@code host} is reached from this machine: loopback for all addresses. */
    private static String reachable(String host) {
        return host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    }

    /** What answered at an address: whether a connection was taken, and its first line or why not. */
    private record Answer(boolean connected, String text) {
        static Answer at(String host, int port) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                InputStream in = socket.getInputStream();
                StringBuilder line = new StringBuilder();
                try {
                    for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 255; c = in.read()) {
                        line.append((char) c);
                    }
                } catch (SocketTimeoutException silent) {
                    // Something accepted the connection and said nothing: no SSH server, but the port is taken.
                }
                return new Answer(true, line.toString().strip());
            } catch (IOException e) {
                return new Answer(false, e.toString());
            }
        }
    }

    /**
     * A running instance's own listener: a finding when nothing SSH answers at {@code host:port}.
     *
     * @param host the address it binds, null or a wildcard for all (checked on loopback)
     */
    public static Optional<Finding> checkListener(String host, int port) {
        String target = reachable(host);
        Answer answer = Answer.at(target, port);
        if (answer.connected() && answer.text().startsWith("SSH-2.0-")) {
            return Optional.empty();
        }
        String what = answer.text().isEmpty() ? "it accepts connections but sends no SSH greeting" : answer.text();
        return Optional.of(new Finding("Git over SSH is on (facet.ssh.enabled) but nothing answers SSH on "
                + target + ":" + port + " (" + what + ").", "Look in the log for 'Could not listen for SSH' and "
                + "restart the instance; if another program took the port, choose another with facet.ssh.port or "
                + "--ssh-port, or turn SSH off with facet.ssh.enabled=false."));
    }

    /**
     * A stopped instance's port: a finding when another program already listens there, since the
     * instance's next start would then fail to listen.
     */
    public static Optional<Finding> checkPortFree(String host, int port) {
        String target = reachable(host);
        Answer answer = Answer.at(target, port);
        if (!answer.connected()) {
            return Optional.empty();
        }
        return Optional.of(new Finding("Another program listens on " + target + ":" + port + ", the port Git over SSH "
                + "is set to use (facet.ssh.port)" + (answer.text().isEmpty() ? "" : ": it says '" + answer.text() + "'")
                + "; the instance will not start while it does.", "Stop that program, or choose another port with "
                + "facet.ssh.port or --ssh-port, or turn SSH off with facet.ssh.enabled=false."));
    }
}
