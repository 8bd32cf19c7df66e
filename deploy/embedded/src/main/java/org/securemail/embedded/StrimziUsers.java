package org.securemail.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.securemail.common.access.AclRules;
import org.securemail.common.access.KafkaAccess;
import org.securemail.common.access.ServiceAccess;

/**
 * Renders {@link KafkaAccess#users()} as Strimzi {@code KafkaUser} resources (deploy/k8s/base/kafka-users.yaml): one
 * SCRAM-SHA-512 user per service with {@code simple} authorization and exactly the ACLs of its declaration. Strimzi's
 * user operator then creates a Secret named after the user with the keys {@code password} and {@code sasl.jaas.config},
 * which the service's Deployment reads (ADR 0081).
 *
 * <p>{@code StrimziUsersTest} (system tests) fails when the committed file differs from what this renders; with
 * {@code -Dsecuremail.regenerate=true} it writes the file.
 */
public final class StrimziUsers {

    public static final Path FILE = Path.of("deploy", "k8s", "base", "kafka-users.yaml");

    private StrimziUsers() {
    }

    public static String render(List<ServiceAccess> services) {
        StringBuilder out = new StringBuilder();
        out.append("# Generated from common's KafkaAccess.users() by org.securemail.embedded.StrimziUsers: do not edit.\n")
                .append("# Regenerate: ./mvnw -pl deploy/system-tests test -Dtest=StrimziUsersTest -Dsecuremail.regenerate=true\n");
        for (ServiceAccess access : services) {
            out.append("---\n")
                    .append("apiVersion: kafka.strimzi.io/v1beta2\n")
                    .append("kind: KafkaUser\n")
                    .append("metadata:\n")
                    .append("  name: ").append(access.principal()).append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: ").append(StrimziTopics.CLUSTER).append('\n')
                    .append("spec:\n")
                    .append("  authentication:\n")
                    .append("    type: scram-sha-512\n")
                    .append("  authorization:\n")
                    .append("    type: simple\n")
                    .append("    acls:\n");
            for (AclRules.Rule rule : AclRules.of(access)) {
                out.append("      - resource:\n")
                        .append("          type: ").append(rule.resource().resourceType().name().toLowerCase(Locale.ROOT))
                        .append('\n')
                        .append("          name: ").append(rule.resource().name()).append('\n')
                        .append("          patternType: ")
                        .append(rule.resource().patternType() == PatternType.PREFIXED ? "prefix" : "literal").append('\n')
                        .append("        operations: [")
                        .append(String.join(", ", rule.operations().stream().sorted().map(StrimziUsers::operation).toList()))
                        .append("]\n")
                        .append("        host: \"*\"\n");
            }
        }
        return out.toString();
    }

    /** Strimzi's spelling of an operation: {@code Read}, {@code Write}, {@code Describe}. */
    static String operation(AclOperation op) {
        return switch (op) {
            case READ -> "Read";
            case WRITE -> "Write";
            case DESCRIBE -> "Describe";
            default -> throw new IllegalArgumentException("no service is given " + op);
        };
    }
}
