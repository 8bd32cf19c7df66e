package org.securemail.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.securemail.common.access.KafkaAccess;
import org.securemail.common.topics.Topics;
import org.securemail.embedded.SecureKafka;
import org.securemail.embedded.TopicCreator;

/**
 * The secured local stack's Kafka ({@code KAFKA_SECURE=1 deploy/local/run}, ADR 0081), from the same
 * {@link SecureKafka} as the secured system test:
 * <pre>
 *   SecureKafkaSetup broker-properties DIR PORT CONTROLLER_PORT   listener and security lines for server.properties
 *   SecureKafkaSetup format-scram DIR                             the administrator for StorageTool format --add-scram
 *   SecureKafkaSetup apply DIR BOOTSTRAP                          topics, then every service's SCRAM user and ACLs
 *   SecureKafkaSetup env DIR SERVICE                              NAME=VALUE lines: the service's Kafka environment
 * </pre>
 * {@code DIR} keeps the CA, the broker key and the passwords (made on first use, mode 0600); {@code apply} also
 * writes {@code DIR/admin.properties} for the Kafka command line tools ({@code --command-config}).
 */
public final class SecureKafkaSetup {

    private SecureKafkaSetup() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        SecureKafka security = SecureKafka.in(Path.of(args[1]));
        switch (args[0]) {
            case "broker-properties" -> {
                if (args.length != 4) {
                    usage();
                }
                security.brokerProperties("127.0.0.1", Integer.parseInt(args[2]), Integer.parseInt(args[3]))
                        .forEach((key, value) -> System.out.println(key + "=" + value));
            }
            case "format-scram" -> System.out.println(security.adminScramFormatArgument());
            case "apply" -> {
                if (args.length != 3) {
                    usage();
                }
                Map<String, Object> admin = security.clientConfig(args[2], KafkaAccess.ADMIN);
                List<String> created = TopicCreator.createMissing(admin, Topics.all());
                security.applyAccess(args[2], KafkaAccess.all());
                StringBuilder properties = new StringBuilder();
                fileEnvironment(security, KafkaAccess.ADMIN).forEach((name, value) -> properties
                        .append(name.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'))
                        .append('=').append(value).append('\n'));
                Path file = Path.of(args[1], "admin.properties");
                Files.writeString(file, properties);
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                System.out.printf("topics: %d (%d created now); users with ACLs: %s; admin client config: %s%n",
                        Topics.all().size(), created.size(),
                        KafkaAccess.all().stream().map(a -> a.principal()).toList(), file);
            }
            case "env" -> {
                if (args.length != 3 || KafkaAccess.of(args[2]).isEmpty()) {
                    usage();
                }
                fileEnvironment(security, args[2]).forEach((name, value) -> System.out.println(name + "=" + value));
            }
            default -> usage();
        }
    }

    /** As the cluster's environment, with the CA as a PEM file rather than inline (one line per variable). */
    private static Map<String, String> fileEnvironment(SecureKafka security, String user) {
        Map<String, String> env = new java.util.TreeMap<>(security.environment(user));
        env.remove("KAFKA_SSL_TRUSTSTORE_CERTIFICATES");
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", security.pki().caCertificate().toString());
        return env;
    }

    private static void usage() {
        System.err.println("usage: SecureKafkaSetup broker-properties|format-scram|apply|env DIR [...]");
        System.exit(2);
    }
}
