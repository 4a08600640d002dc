package dev.facet.core.identity;

/**
 * A genuinely signed token that came with another message than the one it was signed for: a
 * request with another method, target or body, or an answer with another status or body. Its
 * own type, so that the error body names it ({@code exceptionName: MessageAltered}) and a
 * mirror that reads it in its primary's signed refusal knows its request was changed on the way.
 */
public final class MessageAltered extends TokenRejected {
    private static final long serialVersionUID = 1L;

    public MessageAltered(String message) {
        super(Reason.ALTERED, message);
    }
}
