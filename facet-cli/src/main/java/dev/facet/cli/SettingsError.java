package dev.facet.cli;

/** A setting is missing or malformed; the message names the key and what it accepts. */
public class SettingsError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SettingsError(String message) {
        super(message);
    }
}
