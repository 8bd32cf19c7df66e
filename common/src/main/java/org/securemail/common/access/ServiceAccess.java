package org.securemail.common.access;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one service's Kafka principal may do: the topics it reads, the topics it writes and the consumer groups it
 * joins (by exact name or by prefix, for the per-instance groups of the dns-client channels). Nothing else: no
 * transactional ids, no cluster operations, no topic creation (the topics are created by an administrator or by
 * Strimzi's topic operator). See {@link KafkaAccess} and ADR 0081.
 *
 * @param principal     the SCRAM user name, which is also the service's name and its Strimzi {@code KafkaUser}
 * @param reads         topics it consumes (Kafka operations Read and Describe)
 * @param writes        topics it produces to (Write and Describe; idempotent producers need nothing more)
 * @param groups        consumer group ids it uses (Read on the group)
 * @param groupPrefixes prefixes of the group ids it makes up at run time (Read on every group with the prefix)
 * @param describes     topics it only looks at (Describe: partitions and end offsets, never a record)
 * @param watchedGroups consumer groups whose committed offsets it only looks at (Describe), e.g. to see their lag
 */
public record ServiceAccess(String principal, Set<String> reads, Set<String> writes, Set<String> groups,
        Set<String> groupPrefixes, Set<String> describes, Set<String> watchedGroups) {

    /** A service that reads, writes and joins groups, and looks at nothing else. */
    public ServiceAccess(String principal, Set<String> reads, Set<String> writes, Set<String> groups,
            Set<String> groupPrefixes) {
        this(principal, reads, writes, groups, groupPrefixes, Set.of(), Set.of());
    }

    public ServiceAccess {
        if (principal == null || !principal.matches("[a-z][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("a principal is a lower-case name: " + principal);
        }
        reads = sorted(reads);
        writes = sorted(writes);
        groups = sorted(groups);
        groupPrefixes = sorted(groupPrefixes);
        describes = sorted(describes);
        watchedGroups = sorted(watchedGroups);
        for (String prefix : groupPrefixes) {
            if (prefix.length() < 3 || !prefix.endsWith("-")) {
                throw new IllegalArgumentException("a group prefix ends with a dash and says whose it is: " + prefix);
            }
        }
    }

    public boolean mayRead(String topic) {
        return reads.contains(topic);
    }

    public boolean mayWrite(String topic) {
        return writes.contains(topic);
    }

    /** Whether the principal may join {@code group}: listed, or starting with one of its prefixes. */
    public boolean mayJoin(String group) {
        return groups.contains(group) || groupPrefixes.stream().anyMatch(group::startsWith);
    }

    private static Set<String> sorted(Collection<String> names) {
        if (names.stream().anyMatch(n -> n == null || n.isBlank() || n.equals("*"))) {
            throw new IllegalArgumentException("names are exact, never blank or a wildcard: " + names);
        }
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(names));
    }
}
