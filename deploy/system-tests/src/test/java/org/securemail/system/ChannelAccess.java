package org.securemail.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.securemail.common.access.ServiceAccess;
import org.securemail.common.topics.TopicSpec;
import org.securemail.common.topics.Topics;

/**
 * What a service's Kafka clients use, read from its sources, and where that goes beyond its {@link ServiceAccess}:
 * the SmallRye channels of its {@code application.properties} (with the dns-client defaults when it uses the
 * dns-client), resolved as SmallRye Config resolves them in production, and the catalogue topics its hand-built clients
 * name in code ({@code Topics.X}).
 */
final class ChannelAccess {

    private static final Pattern CHANNEL = Pattern.compile("^mp\\.messaging\\.(incoming|outgoing)\\.([^.\"]+)\\.");
    private static final Pattern TOPIC_CONSTANT = Pattern.compile("\\bTopics\\.([A-Z][A-Z0-9_]*)\\b");
    private static final Set<String> CATALOGUE = Topics.all().stream().map(TopicSpec::name)
            .collect(Collectors.toUnmodifiableSet());

    private ChannelAccess() {
    }

    /** A service's production configuration: its application.properties, then the dns-client defaults if it uses them. */
    static SmallRyeConfig productionConfig(Path applicationProperties, Optional<Path> dnsClientDefaults) {
        try {
            SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultInterceptors().withProfile("prod")
                    .withSources(new PropertiesConfigSource(applicationProperties.toUri().toURL(), 250))
                    .withDefaultValue("quarkus.uuid", "00000000-0000-0000-0000-000000000000");
            SmallRyeConfig first = builder.build();
            boolean dnsClient = !"false".equals(first.getOptionalValue("securemail.dns.client.enabled", String.class)
                    .orElse("true").trim());
            if (dnsClient && dnsClientDefaults.isPresent()) {
                builder.withSources(new PropertiesConfigSource(dnsClientDefaults.get().toUri().toURL(), 100));
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every channel use {@code access} does not allow, as readable lines (empty: all covered). */
    static List<String> channelViolations(ServiceAccess access, SmallRyeConfig config) {
        Set<String> channels = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = CHANNEL.matcher(name);
            if (m.find()) {
                channels.add(m.group(1) + " " + m.group(2));
            }
        }
        List<String> violations = new ArrayList<>();
        for (String channel : channels) {
            boolean incoming = channel.startsWith("incoming ");
            String name = channel.substring(channel.indexOf(' ') + 1);
            String prefix = "mp.messaging." + (incoming ? "incoming." : "outgoing.") + name + ".";
            Optional<String> connector = value(config, prefix + "connector");
            if (connector.isPresent() && !connector.get().equals("smallrye-kafka")) {
                continue;
            }
            if (value(config, prefix + "pattern").map(Boolean::parseBoolean).orElse(false)) {
                violations.add(channel + ": a topic pattern cannot be checked against the ACLs");
            }
            List<String> topics = value(config, prefix + "topics").map(t -> Arrays.stream(t.split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of(value(config, prefix + "topic").orElse(name)));
            for (String topic : topics) {
                if (incoming ? !access.mayRead(topic) : !access.mayWrite(topic)) {
                    violations.add(channel + (incoming ? " reads " : " writes ") + topic);
                }
            }
            if (incoming) {
                Optional<String> group = value(config, prefix + "group.id");
                if (group.isEmpty()) {
                    violations.add(channel + " has no group.id of its own");
                } else if (!access.mayJoin(group.get())) {
                    violations.add(channel + " joins group " + group.get());
                }
                Optional<String> dlq = value(config, prefix + "dead-letter-queue.topic");
                if (dlq.isPresent() && !access.mayWrite(dlq.get())) {
                    violations.add(channel + " writes dead letters to " + dlq.get());
                }
                if (value(config, prefix + "failure-strategy").orElse("").equals("dead-letter-queue") && dlq.isEmpty()) {
                    violations.add(channel + " writes dead letters to the connector's default topic");
                }
            } else {
                Optional<String> replyGroup = value(config, prefix + "reply.group.id");
                Optional<String> reply = value(config, prefix + "reply.topic")
                        .or(() -> replyGroup.map(g -> topics.get(0) + "-replies"));
                if (reply.isPresent() && !access.mayRead(reply.get())) {
                    violations.add(channel + " reads replies from " + reply.get());
                }
                if (replyGroup.isPresent() && !access.mayJoin(replyGroup.get())) {
                    violations.add(channel + " reads replies in group " + replyGroup.get());
                }
            }
        }
        return violations;
    }

    /**
     * Catalogue topics named in the main sources under {@code sourceRoots} ({@code Topics.MAIL_READY}, ...) that the
     * service may neither read nor write: the topics of its hand-built clients and of records it routes by hand.
     */
    static List<String> sourceViolations(ServiceAccess access, List<Path> sourceRoots) {
        List<String> violations = new ArrayList<>();
        for (Path root : sourceRoots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = TOPIC_CONSTANT.matcher(Files.readString(file));
                    while (m.find()) {
                        constant(m.group(1)).filter(CATALOGUE::contains)
                                .filter(topic -> !access.mayRead(topic) && !access.mayWrite(topic))
                                .ifPresent(topic -> violations.add(file.getFileName() + " uses " + topic));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return violations;
    }

    private static Optional<String> constant(String name) {
        try {
            Field field = Topics.class.getField(name);
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                return Optional.of((String) field.get(null));
            }
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> value(SmallRyeConfig config, String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).filter(s -> !s.isEmpty());
    }
}
