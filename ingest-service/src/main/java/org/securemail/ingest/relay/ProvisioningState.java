package org.securemail.ingest.relay;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.securemail.common.mail.DomainNames;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.provisioning.SuppressionRecord;

/**
 * The in-memory copy of the compacted {@code provisioning.*} topics: the only facts the accept path reads.
 * Written by one reader thread, read concurrently by every SMTP session.
 */
@ApplicationScoped
public class ProvisioningState {

    private final Map<String, DomainRecord> domains = new ConcurrentHashMap<>();
    private final Map<String, SmtpUserRecord> users = new ConcurrentHashMap<>();
    private final Map<String, RecipientRecord> recipients = new ConcurrentHashMap<>();
    /** {@link SuppressionRecord#key} of every suppressed address (the record itself is not needed at RCPT). */
    private final Set<String> suppressions = ConcurrentHashMap.newKeySet();
    private volatile boolean caughtUp;
    /** The highest bcrypt cost among the users' hashes: what a check for an unknown user must cost too. */
    private volatile int bcryptCost;

    public Optional<DomainRecord> domain(String name) {
        return Optional.ofNullable(domains.get(normalizeDomain(name)));
    }

    public Optional<SmtpUserRecord> user(String username) {
        return Optional.ofNullable(users.get(normalizeUser(username)));
    }

    public boolean hasRecipient(String localPart, String domain) {
        return recipients.containsKey(recipientKey(localPart, domain));
    }

    /** Is {@code localPart@domain} on the suppression list of {@code tenantId}? */
    public boolean suppressed(String tenantId, String localPart, String domain) {
        return tenantId != null && SuppressionRecord.address(localPart, domain)
                .map(a -> suppressions.contains(SuppressionRecord.key(tenantId, a))).orElse(false);
    }

    /** The cost of the users' bcrypt hashes (the highest seen; 10 before any user). */
    public int bcryptCost() {
        int cost = bcryptCost;
        return cost == 0 ? 10 : cost;
    }

    /** True once every provisioning topic was read up to the end offsets seen at start-up. */
    public boolean caughtUp() {
        return caughtUp;
    }

    void markCaughtUp() {
        caughtUp = true;
    }

    void putDomain(String key, DomainRecord record) {
        if (record == null) {
            domains.remove(normalizeDomain(key));
        } else {
            domains.merge(normalizeDomain(record.name()), record,
                    (old, neu) -> neu.version() >= old.version() ? neu : old);
        }
    }

    void putUser(String key, SmtpUserRecord record) {
        if (record == null) {
            users.remove(normalizeUser(key));
        } else {
            users.merge(normalizeUser(record.username()), record, (old, neu) -> neu.version() >= old.version() ? neu : old);
            int cost = Authenticator.cost(record.passwordHash());
            if (cost > bcryptCost) {
                bcryptCost = cost;
            }
        }
    }

    void putRecipient(String key, RecipientRecord record) {
        if (record == null) {
            int at = key.lastIndexOf('@');
            recipients.remove(at < 0 ? key : recipientKey(key.substring(0, at), key.substring(at + 1)));
        } else {
            recipients.put(recipientKey(record.localPart(), record.domain()), record);
        }
    }

    /**
     * A suppression, or its removal (a tombstone: null record). A new entry is held only while fewer than
     * {@code max} are; returns false when it was not held for that reason.
     */
    boolean putSuppression(String key, SuppressionRecord record, int max) {
        if (record == null) {
            suppressions.remove(key);
            return true;
        }
        String k = record.key();
        if (suppressions.contains(k)) {
            return true;
        }
        if (suppressions.size() >= max) {
            return false;
        }
        suppressions.add(k);
        return true;
    }

    public int suppressionCount() {
        return suppressions.size();
    }

    public int domainCount() {
        return domains.size();
    }

    public int userCount() {
        return users.size();
    }

    public int recipientCount() {
        return recipients.size();
    }

    static String recipientKey(String localPart, String domain) {
        return localPart.toLowerCase(Locale.ROOT) + "@" + normalizeDomain(domain);
    }

    static String normalizeDomain(String domain) {
        return DomainNames.canonical(domain);
    }

    /** User names are case-insensitive, as the provisioning API stores them (lower case). */
    private static String normalizeUser(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
