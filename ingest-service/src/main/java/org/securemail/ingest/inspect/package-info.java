/**
 * Planned, not built yet: the post-accept inspection stage (issue 14). It is to consume {@code mail.accepted} and
 * produce {@code mail.ready}, with the lookups the SMTP session deliberately does not make (SPF, DMARC, DNSBL).
 * Nothing in this package runs today; the session hands every accepted message straight to {@code mail.accepted}.
 */
package org.securemail.ingest.inspect;
