package dev.facet.web;

import java.util.List;

/** What each page shows, one record per template; the templates read nothing else. */
public final class PageModels {
    private PageModels() {
    }

    /**
     * The frame every page shares: its title, who is signed in (null: nobody), the form token, and
     * whether it is a primary's page (with the primary's navigation) or a mirror's.
     */
    public record Frame(String title, String user, String csrf, boolean onPrimary) {
        public static Frame primary(String title, String user, String csrf) {
            return new Frame(title, user, csrf, true);
        }

        public static Frame mirror(String title, String csrf) {
            return new Frame(title, null, csrf, false);
        }
    }

    /** A page that only says something: what happened and what to do. */
    public record MessagePage(Frame frame, String message, String advice) {
    }

    public record LoginPage(Frame frame, String username, String next, String error) {
    }

    /** A state in words and in the colour class the style sheet gives it. */
    public record State(String code, String word, String cssClass) {
    }

    /**
     * @param keyFingerprint       the short fingerprint of the key the request is signed with
     * @param registeredKeyDiffers the registered mirror's key when the request's differs from it, else null
     */
    public record RequestRow(String id, String mirrorId, String name, String baseUrl, String type, String created,
                             boolean highlighted, String keyFingerprint, String registeredKeyDiffers) {
    }

    /**
     * @param fix the one step that makes the state right, or null when it is right
     * @param removalFinal when a removal becomes final: a removed mirror's, or the one a deletion now would have
     */
    public record MirrorRow(String id, String name, String baseUrl, String keyFingerprint, State state, String fix,
                            String lastSeen,
                            int inSync, int behind, String worstLag, String version, String projects,
                            String removalFinal, boolean removed, boolean farm, List<NodeRow> nodes,
                            Offload offload, LagChart lagChart) {
    }

    /**
     * What a mirror served by itself against what it passed on to the primary and fetched from it, as
     * its nodes counted it since they were installed.
     *
     * @param servedShare of the Git bytes through the mirror (served to its clients, fetched from the primary,
     *                    forwarded to it), the share it served from its own disk, as a percentage; empty before any
     */
    public record Offload(long clones, long fetches, String bytesServed, long pushesForwarded, String bytesForwarded,
                          String bytesFetched, String servedShare) {
    }

    /**
     * A mirror's worst sync lag per minute over the last hour, as a small line chart: {@code points} are
     * the polyline's coordinates in a {@link #WIDTH} by {@link #HEIGHT} box, time running left to right.
     *
     * @param peak   the highest lag in the hour, as words
     * @param latest the last minute's lag, as words
     */
    public record LagChart(String points, int samples, String peak, String latest) {
        public static final int WIDTH = 180;
        public static final int HEIGHT = 36;
    }

    /**
     * One node of a farm on the mirror console, its state from its own heartbeats.
     *
     * @param vouchedBy the node that vouched for it, or null for the one an administrator authorized
     */
    public record NodeRow(String id, String name, String url, String keyFingerprint, State state, String lastSeen,
                          String version, String vouchedBy) {
    }

    public record AdminMirrorsPage(Frame frame, String instanceId, String keyFingerprint, List<RequestRow> requests, List<MirrorRow> mirrors, String signature,
                                   String message) {
    }

    public record AuditRow(String when, String ago, String actor, String action, String instanceId, String instanceUrl,
                           String details) {
    }

    public record AuditPage(Frame frame, List<AuditRow> entries) {
    }

    public record ProjectRow(String key, String name, String description, boolean isPublic) {
    }

    public record ProjectsPage(Frame frame, List<ProjectRow> projects) {
    }

    /**
     * Where a repository can be cloned from: the primary, or a mirror near its users.
     *
     * @param preferred whether it is the viewer's preferred mirror, which the clone box shows first and selected
     */
    public record CloneUrl(String where, String url, boolean preferred) {
    }

    /** @param lfs what the repository holds in Git LFS, in words ("3 objects, 12.0 MiB"), or null when nothing */
    public record RepositoryRow(String name, String slug, boolean isPublic, List<CloneUrl> cloneUrls, String lfs) {
    }

    public record ProjectPage(Frame frame, ProjectRow project, List<RepositoryRow> repositories) {
    }

    /**
     * The administration of users: the last form's values, its errors by field, and what was done.
     *
     * @param createdToken a token just created: shown this once, never again
     */
    /** A user as the administrator's list shows them. */
    public record UserRow(String name, String displayName, String role, boolean active) {
    }

    /** An access token as listed: never its secret. */
    public record TokenRow(String id, String name, String permissions, String created, String expires, String lastUsed) {
    }

    /** A signed-in user's own account: their password and their tokens. */
    public record AccountPage(Frame frame, java.util.Map<String, String> errors, String done, List<TokenRow> tokens) {
        public String error(String field) {
            return errors.get(field);
        }
    }

    public record UsersPage(Frame frame, java.util.Map<String, String> values, java.util.Map<String, String> errors,
                            String done, String createdToken, List<String> projectPermissions,
                            List<String> tokenPermissions, List<UserRow> users, String tokensOf,
                            List<TokenRow> tokens) {
        public String value(String field) {
            return values.getOrDefault(field, "");
        }

        public String error(String field) {
            return errors.get(field);
        }
    }

    public record Alert(String kind, String details, String resolution) {
    }

    /**
     * @param primaryLink the page on the primary where an admin decides this mirror's pending request, or null
     * @param canReconnect whether the Reconnect button is shown (removed, rejected, or asked for with {@code ?reconnect=1})
     * @param worstLag how long the repository furthest behind has been, in words; empty when none is. The page
     *                 names no repository: anyone can read it.
     */
    /**
     * An upstream identity on the mirror's page: the pinned one, or the one the upstream presents
     * while IDENTITY_CHANGED is open, so an administrator compares the fingerprint with the primary's.
     */
    public record UpstreamIdentityRow(String instanceId, String keyFingerprint) {
    }

    public record MirrorPage(Frame frame, String mirrorId, String keyFingerprint, State state, String upstreamUrl,
                             UpstreamIdentityRow pinned, UpstreamIdentityRow presented,
                             String primaryLink, boolean canReconnect, State sync, int total, int inSync, int behind,
                             String pace, String worstLag, List<Alert> alerts,
                             String message) {
    }
}
