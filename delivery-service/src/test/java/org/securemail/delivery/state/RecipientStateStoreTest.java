package org.securemail.delivery.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;
import org.securemail.delivery.config.DeliveryConfig;

class RecipientStateStoreTest {

    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private RecipientStateStore store() {
        RecipientStateStore store = new RecipientStateStore();
        store.mapper = mapper;
        DeliveryConfig.Retry retry = (DeliveryConfig.Retry) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DeliveryConfig.Retry.class}, (p, m, a) -> {
                    if (m.getName().equals("lifetime")) {
                        return Duration.ofDays(5);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        store.config = (DeliveryConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DeliveryConfig.class}, (p, m, a) -> {
                    if (m.getName().equals("retry")) {
                        return retry;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return store;
    }

    private byte[] state(String queueId, Instant updatedAt, String... done) throws Exception {
        return mapper.writeValueAsBytes(new DeliveryState(queueId, Set.of(done), updatedAt));
    }

    @Test
    void loadsRecentStateAndSkipsStatePastTheLifetimeAndADay() throws Exception {
        RecipientStateStore store = store();
        Instant now = Instant.now();
        store.apply("RECENT", state("RECENT", now.minus(Duration.ofDays(5)), "a@x.test"));
        store.apply("OLD", state("OLD", now.minus(Duration.ofDays(6)).minus(Duration.ofMinutes(1)), "b@x.test"));

        assertThat(store.isFinal("RECENT", "a@x.test")).isTrue();
        assertThat(store.isFinal("OLD", "b@x.test")).isFalse();
    }

    @Test
    void forgetsMessagesNotUpdatedSinceTheHorizon() throws Exception {
        RecipientStateStore store = store();
        Instant now = Instant.now();
        store.apply("Q1", state("Q1", now.minus(Duration.ofDays(6)).plus(Duration.ofMinutes(1)), "a@x.test"));
        store.apply("Q2", state("Q2", now.minus(Duration.ofHours(1)), "b@x.test"));

        // a day later Q1 is past the delivery lifetime plus one day; Q2 is not
        int removed = store.evictUpdatedBefore(store.horizon(now.plus(Duration.ofDays(1))));

        assertThat(removed).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.isFinal("Q1", "a@x.test")).isFalse();
        assertThat(store.isFinal("Q2", "b@x.test")).isTrue();
    }

    @Test
    void remembersTheHandledRecordsOfAMessageFromItsStateRecords() throws Exception {
        RecipientStateStore store = store();
        Instant now = Instant.now();
        List<String> handled = new java.util.ArrayList<>();
        for (int i = 0; i < RecipientStateStore.HANDLED_KEPT + 3; i++) {
            handled.add(RecordCoordinate.of("delivery.park", 2, i));
        }
        store.apply("Q1", mapper.writeValueAsBytes(new DeliveryState("Q1", Set.of(), handled, now)));
        store.apply("Q2", state("Q2", now, "b@x.test")); // a record written before handled records existed

        assertThat(store.isHandled("Q1", RecordCoordinate.of("delivery.park", 2, 34))).isTrue();
        assertThat(store.isHandled("Q1", RecordCoordinate.of("delivery.park", 2, 3))).as("kept").isTrue();
        assertThat(store.isHandled("Q1", RecordCoordinate.of("delivery.park", 2, 2))).as("oldest dropped").isFalse();
        assertThat(store.isHandled("Q1", RecordCoordinate.of("delivery.park", 3, 34))).isFalse();
        assertThat(store.isHandled("Q1", null)).isFalse();
        assertThat(store.isHandled("Q2", RecordCoordinate.of("delivery.park", 2, 34))).isFalse();
        assertThat(store.isHandled("UNKNOWN", RecordCoordinate.of("delivery.park", 2, 34))).isFalse();
        assertThat(store.isFinal("Q2", "b@x.test")).isTrue();
    }

    @Test
    void readsStateRecordsWithoutHandledRecords() throws Exception {
        RecipientStateStore store = store();
        store.apply("Q1", "{\"queueId\":\"Q1\",\"done\":[\"a@x.test\"],\"updatedAt\":\"2099-01-01T00:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(store.isFinal("Q1", "a@x.test")).isTrue();
        assertThat(store.isHandled("Q1", RecordCoordinate.of("mail.ready", 0, 0))).isFalse();
    }
}
