package dev.facet.core.mirror;

/** A single mirror node, or a farm of nodes that acts as one mirror. */
public enum MirrorType { SINGLE, FARM }
