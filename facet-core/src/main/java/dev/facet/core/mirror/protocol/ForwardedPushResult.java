package dev.facet.core.mirror.protocol;

import java.util.List;

/**
 * The primary's answer to a push a mirror forwarded from an SSH client: how each ref update ended,
 * and what the primary had to say to the pusher, which the mirror shows its client as Git shows it.
 *
 * @param unpack   {@code ok}, or why the pack was not taken
 * @param refs     one per command, in the order sent
 * @param messages the lines the primary's hooks and checks wrote for the pusher (Git prints them as {@code remote:})
 */
public record ForwardedPushResult(String unpack, List<RefResult> refs, String messages) {

    /**
     * @param result  JGit's {@code ReceiveCommand.Result} name: {@code OK}, {@code REJECTED_NONFASTFORWARD}, …
     * @param message the reason given with a refusal, or null
     */
    public record RefResult(String ref, String result, String message) {
    }
}
