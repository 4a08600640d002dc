package dev.facet.core.mirror;

/** A registered mirror as the primary shows it: derived from the mirror's own heartbeats. */
public enum MirrorServerState { PENDING, SYNCHRONIZING, SYNCHRONIZED, LAGGING, OFFLINE, REMOVED }
