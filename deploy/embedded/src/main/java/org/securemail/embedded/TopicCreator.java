package org.securemail.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.securemail.common.topics.TopicSpec;

/** Creates topics from their {@link TopicSpec}s; used by the local stack ({@code CreateTopics}) and the test broker. */
public final class TopicCreator {

    private static final long TIMEOUT_SECONDS = 60;

    private TopicCreator() {
    }

    public static Admin admin(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    /** Creates the missing topics and returns their names; existing topics are left as they are. */
    public static List<String> createMissing(String bootstrapServers, List<TopicSpec> specs) {
        return createMissing(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), specs);
    }

    /** As above, with the admin client's whole configuration (a secured broker: {@code SecureKafka#clientConfig}). */
    public static List<String> createMissing(java.util.Map<String, Object> adminConfig, List<TopicSpec> specs) {
        Object bootstrapServers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs()));
                }
            }
            admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return missing.stream().map(NewTopic::name).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics on " + bootstrapServers, e);
        }
    }
}
