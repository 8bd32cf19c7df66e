package org.securemail.testing;

import java.util.Map;

/**
 * Starts a real {@link KafkaBroker} for a {@code @QuarkusTest} and points every Kafka client of the
 * application at it. Tests get the broker through a field annotated {@link InjectKafkaBroker}.
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
 * class FooTest {
 *     @InjectKafkaBroker KafkaBroker broker;
 * }
 * }</pre>
 */
public class KafkaBrokerResource extends ServerResource<KafkaBroker> {

    public KafkaBrokerResource() {
        super(KafkaBroker.class, InjectKafkaBroker.class, KafkaBroker::start, KafkaBroker::close,
                broker -> Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
    }
}
