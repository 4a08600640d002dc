package dev.facet.core.doctor;

/** One problem {@code facet doctor} found, and the exact step that fixes it. */
public record Finding(String problem, String fix) {
}
