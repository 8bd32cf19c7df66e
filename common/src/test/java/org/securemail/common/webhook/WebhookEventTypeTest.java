package org.securemail.common.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookEventTypeTest {

    @Test
    void everyTypeIsFoundByItsWireNameAndNothingElseIs() {
        for (WebhookEventType t : WebhookEventType.values()) {
            assertThat(WebhookEventType.fromWire(t.wireName())).contains(t);
        }
        assertThat(WebhookEventType.fromWire("MESSAGE_DELIVERED")).isEmpty();
        assertThat(WebhookEventType.fromWire("Message.Delivered")).isEmpty();
        assertThat(WebhookEventType.fromWire(null)).isEmpty();
    }
}
