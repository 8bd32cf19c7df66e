package org.securemail.dns.limits;

/**
 * What the service knows of a zone's servers when it sends a query (ADR 0066).
 *
 * <ul>
 * <li>{@link #PROVEN}: they answered lately and were not slow since. Their queries never use the slow budget.</li>
 * <li>{@link #UNKNOWN}: nothing is known either way (a new destination, a cold restart). Not suspect: their queries
 * are charged to the slow budget only once they turn slow, and are held back only while the upstream shows evidence
 * of slowness (its slow budget is spent).</li>
 * <li>{@link #SUSPECT}: a query of the zone was slow or its resolution failed, with no answer since. Its queries are
 * charged to the slow budget from the start and are refused while it is spent.</li>
 * </ul>
 */
public enum ZoneTrust {
    PROVEN, UNKNOWN, SUSPECT
}
