package dev.facet.cli;

import dev.facet.core.error.FacetException;
import dev.facet.core.identity.KeyFingerprint;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.mirror.StoppedMirror;
import dev.facet.mirror.UpstreamClient;
import dev.facet.mirror.UpstreamUnavailable;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet mirror accept-upstream}: resolve the mirror's upstream alerts, keeping or (with a fingerprint) changing the pin. */
@Command(name = "accept-upstream", mixinStandardHelpOptions = true,
        description = "After an upstream alert (a changed message, a history that went back or forked), resolve it: the "
                + "mirror keeps the upstream it pinned and follows it again, deletions included. When the upstream "
                + "presents another identity (a primary restored with new keys), pass the key fingerprint read on the "
                + "primary's mirror console with --fingerprint; the mirror pins the new key only if it matches. "
                + "(A running mirror: POST /rest/mirroring/latest/upstreamServer/accept-upstream.)")
final class MirrorAcceptUpstreamCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "The mirror's home (the mirror must be stopped).")
    Path home;

    @Option(names = "--fingerprint", paramLabel = "HEX",
            description = "The full key fingerprint (64 hex digits) the primary shows on its mirror console; needed "
                    + "only when the upstream presents another identity than the pinned one.")
    String fingerprint;

    @Option(names = "--upstream", paramLabel = "URL",
            description = "The upstream URL the mirror starts with, when it is passed at start rather than set in "
                    + "facet.properties (default: facet.upstream.url, else the URL the mirror registered with).")
    String upstream;

    @Override
    public Integer call() {
        try (var store = StoppedMirrorHome.openStopped(home)) {
            Optional<KeyFingerprint> typed = Optional.ofNullable(fingerprint).map(KeyFingerprint::new);
            Map<String, String> flags = upstream == null ? Map.of() : Map.of(RawSettings.UPSTREAM_URL, upstream);
            RawSettings settings = RawSettings.load(home, flags, System.getenv());
            // The URL the mirror will talk to at its next start: the one it is started with, else the registered one.
            String upstreamUrl = settings.upstreamUrl().orElseGet(() -> store.inTransaction(tx -> tx.upstream().get())
                    .map(UpstreamLink::upstreamUrl).orElse(""));
            String done = new StoppedMirror(store, Clock.systemUTC()).acceptUpstream("facet mirror accept-upstream",
                    typed, () -> presentedBy(upstreamUrl, settings));
            System.out.println(done + ". At its next start the mirror follows its upstream again, deletions included.");
            return 0;
        } catch (IllegalStateException | FacetException | UpstreamUnavailable | SettingsError e) {
            System.err.println("facet: " + e.getMessage());
            return 1;
        }
    }

    /** What the server at the upstream URL presents: an unsigned answer, which the acceptance rule checks. */
    private static UpstreamClient.UpstreamIdentity presentedBy(String upstreamUrl, RawSettings settings) {
        if (upstreamUrl.isEmpty()) {
            throw new IllegalStateException("This mirror was never registered; there is no upstream to accept.");
        }
        UpstreamClient client = new UpstreamClient(upstreamUrl, (audience, request) -> {
            throw new IllegalStateException("accept-upstream sends no signed request");
        }, settings.outboundTrust());
        return client.identity();
    }
}
