package dev.facet.core.mirror;

/** Where an authorization request stands on the primary. */
public enum RequestState { PENDING, ACCEPTED, REJECTED }
