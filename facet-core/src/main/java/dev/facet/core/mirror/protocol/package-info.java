/**
 * The JSON messages between a mirror and its primary. Both sides serialize these records, so a
 * field renamed here is renamed on the wire for both at once.
 */
package dev.facet.core.mirror.protocol;
