/**
 * Inspection (issue 14). Built: the checks, as libraries each in its own package ({@code spf}, {@code dkim},
 * {@code dmarc}, {@code dnsbl}, {@code content}), every lookup through the DNS service's {@code DnsResolver}. Planned,
 * not built yet: the post-accept stage that is to consume {@code mail.accepted}, run them, apply the domain's policy
 * and produce {@code mail.ready}. Nothing in these packages runs in the service today; see docs/inspection.md.
 */
package org.securemail.ingest.inspect;
