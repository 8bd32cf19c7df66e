package org.securemail.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

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
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.start();
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(broker,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaBroker.class, KafkaBroker.class));
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
