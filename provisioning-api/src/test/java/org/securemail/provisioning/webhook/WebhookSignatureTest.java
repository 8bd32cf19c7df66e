package org.securemail.provisioning.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final String SECRET = "whsec_test-secret";
    private static final String BODY = "{\"id\":\"e1\",\"type\":\"message.delivered\"}";
    private static final Instant AT = Instant.parse("2026-12-08T10:00:00Z");

    @Test
    void theHeaderIsTheTimestampAndTheHmacOfTimestampDotBody() throws Exception {
        String header = WebhookSignature.header(AT, BODY, List.of(SECRET));

        // what a receiver in any language computes
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((AT.getEpochSecond() + "." + BODY)
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(header).isEqualTo("t=" + AT.getEpochSecond() + ",v1=" + expected);
    }

    @Test
    void aReceiverAcceptsItWithinTheToleranceAndRefusesAReplayLater() {
        String header = WebhookSignature.header(AT, BODY, List.of(SECRET));

        assertThat(WebhookSignature.verify(header, BODY, SECRET, AT.plusSeconds(299), Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, SECRET, AT.minusSeconds(299), Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, SECRET, AT.plusSeconds(301), Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void anotherBodyAnotherSecretOrAnEditedTimestampDoNotVerify() {
        String header = WebhookSignature.header(AT, BODY, List.of(SECRET));

        assertThat(WebhookSignature.verify(header, BODY + " ", SECRET, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(header, BODY, "whsec_other", AT, Duration.ofMinutes(5))).isFalse();
        String moved = header.replace("t=" + AT.getEpochSecond(), "t=" + (AT.getEpochSecond() + 60));
        assertThat(WebhookSignature.verify(moved, BODY, SECRET, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(null, BODY, SECRET, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("t=x,v1=00", BODY, SECRET, AT, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("v1=zz", BODY, SECRET, AT, Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void duringARotationEitherSecretVerifies() {
        String header = WebhookSignature.header(AT, BODY, List.of("whsec_new", "whsec_old"));

        assertThat(header.split(",")).hasSize(3);
        assertThat(WebhookSignature.verify(header, BODY, "whsec_new", AT, Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, "whsec_old", AT, Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, "whsec_neither", AT, Duration.ofMinutes(5))).isFalse();
    }
}
