package dev.facet.web;

import java.util.List;

/** What each page shows, one record per template; the templates read nothing else. */
public final class PageModels {
    private PageModels() {
    }

    /** The frame every page shares: its title, who is signed in (null: nobody) and the form token. */
    public record Frame(String title, String user, String csrf) {
    }

    /** A page that only says something: what happened and what to do. */
    public record MessagePage(Frame frame, String message, String advice) {
    }

    public record LoginPage(Frame frame, String username, String next, String error) {
    }

    /** A state in words and in the colour class the style sheet gives it. */
    public record State(String code, String word, String cssClass) {
    }

    public record RequestRow(String id, String name, String baseUrl, String type, String created, boolean highlighted) {
    }

    /**
     * @param fix the one step that makes the state right, or null when it is right
     * @param removalFinal when a removal becomes final: a removed mirror's, or the one a deletion now would have
     */
    public record MirrorRow(String id, String name, String baseUrl, State state, String fix, String lastSeen,
                            int inSync, int behind, String worstLag, String version, String projects,
                            String removalFinal, boolean removed) {
    }

    public record AdminMirrorsPage(Frame frame, List<RequestRow> requests, List<MirrorRow> mirrors, String signature,
                                   String message) {
    }

    public record Alert(String kind, String details, String resolution) {
    }

    /**
     * @param primaryLink the page on the primary where an admin decides this mirror's pending request, or null
     * @param canReconnect whether the Reconnect button is shown (removed, rejected, or asked for with {@code ?reconnect=1})
     */
    public record MirrorPage(Frame frame, State state, String upstreamUrl, String primaryLink, boolean canReconnect,
                             State sync, int total, int inSync, int behind, String worstLags, List<Alert> alerts,
                             String message) {
    }
}
