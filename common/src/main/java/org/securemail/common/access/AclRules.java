package org.securemail.common.access;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A {@link ServiceAccess} as Kafka ACL rules: one per resource with its operations. A topic read is Read and
 * Describe, a topic write Write and Describe, a group Read, a topic or group only looked at Describe; all allow, from
 * any host. The Strimzi {@code KafkaUser}s
 * and the ACLs the local stack and the tests create are both made from these rules.
 */
public final class AclRules {

    /** One resource and what the principal may do with it. */
    public record Rule(ResourcePattern resource, Set<AclOperation> operations) {
    }

    private AclRules() {
    }

    /** Topics first (in name order), then literal groups, then group prefixes. */
    public static List<Rule> of(ServiceAccess access) {
        Map<ResourcePattern, Set<AclOperation>> rules = new LinkedHashMap<>();
        java.util.SortedSet<String> topics = new java.util.TreeSet<>(access.reads());
        topics.addAll(access.writes());
        topics.addAll(access.describes());
        for (String topic : topics) {
            Set<AclOperation> ops = EnumSet.noneOf(AclOperation.class);
            if (access.mayRead(topic)) {
                ops.add(AclOperation.READ);
            }
            if (access.mayWrite(topic)) {
                ops.add(AclOperation.WRITE);
            }
            ops.add(AclOperation.DESCRIBE);
            rules.put(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), ops);
        }
        for (String group : access.groups()) {
            rules.put(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL), EnumSet.of(AclOperation.READ));
        }
        for (String prefix : access.groupPrefixes()) {
            rules.put(new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED), EnumSet.of(AclOperation.READ));
        }
        for (String group : access.watchedGroups()) {
            rules.putIfAbsent(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL),
                    EnumSet.of(AclOperation.DESCRIBE));
        }
        List<Rule> out = new ArrayList<>();
        rules.forEach((resource, ops) -> out.add(new Rule(resource, Set.copyOf(ops))));
        return out;
    }

    /** The rules as Kafka ACL bindings for {@code User:<principal>}, one per operation (for {@code Admin.createAcls}). */
    public static List<AclBinding> bindings(ServiceAccess access) {
        List<AclBinding> bindings = new ArrayList<>();
        for (Rule rule : of(access)) {
            for (AclOperation op : rule.operations()) {
                bindings.add(new AclBinding(rule.resource(),
                        new AccessControlEntry("User:" + access.principal(), "*", op, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }
}
