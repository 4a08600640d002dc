/**
 * A mirror farm: mirror nodes given the same farm name and members act as one mirror. The nodes
 * form an embedded Hazelcast cluster; this is the only package that knows Hazelcast. Each class
 * here implements one of the mirror's role interfaces ({@code dev.facet.mirror}) for a farm.
 */
package dev.facet.farm;
