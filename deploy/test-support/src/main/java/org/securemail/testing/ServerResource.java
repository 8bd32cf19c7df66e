package org.securemail.testing;

import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A server that one {@code @QuarkusTest} class shares: started before the application, with the configuration that
 * points the application at it; handed to the test's fields marked with the given annotation; closed after the class.
 * A subclass only says how (see {@link KafkaBrokerResource}).
 *
 * @param <S> the server's type
 */
public abstract class ServerResource<S> implements QuarkusTestResourceLifecycleManager {

    private final TestInjector.AnnotatedAndMatchesType fields;
    private final Supplier<S> starter;
    private final Consumer<S> closer;
    private final Function<S, Map<String, String>> config;
    private S server;

    /**
     * @param marker  the annotation of the test fields that get the server
     * @param starter starts the server
     * @param closer  closes it
     * @param config  the application configuration for the started server
     */
    protected ServerResource(Class<S> type, Class<? extends Annotation> marker, Supplier<S> starter, Consumer<S> closer,
            Function<S, Map<String, String>> config) {
        this.fields = new TestInjector.AnnotatedAndMatchesType(marker, type);
        this.starter = starter;
        this.closer = closer;
        this.config = config;
    }

    @Override
    public Map<String, String> start() {
        server = starter.get();
        return config.apply(server);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, fields);
    }

    @Override
    public void stop() {
        if (server != null) {
            closer.accept(server);
        }
    }
}
