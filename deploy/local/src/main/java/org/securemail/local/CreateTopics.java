package org.securemail.local;

import java.util.List;

import org.securemail.common.topics.TopicSpec;
import org.securemail.common.topics.Topics;
import org.securemail.embedded.TopicCreator;

/** Creates every topic of {@link Topics#all()} on the broker given as the only argument. Idempotent. */
public final class CreateTopics {

    private CreateTopics() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CreateTopics <bootstrap-servers>");
            System.exit(2);
        }
        List<String> created = TopicCreator.createMissing(args[0], Topics.all());
        for (TopicSpec spec : Topics.all()) {
            System.out.printf("%-28s partitions=%-2d %s%s%n", spec.name(), spec.partitions(),
                    spec.cleanupPolicy(), created.contains(spec.name()) ? " (created)" : "");
        }
    }
}
